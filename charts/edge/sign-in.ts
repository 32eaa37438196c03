/**
 * Entra ID sign-in at the Gateway for a route that asks for it (catalog/routes.ts `signIn`), as
 * plain objects in the route's namespace:
 *
 * - an ExternalSecret with the app registration's client secret from the platform vault (Envoy
 *   Gateway reads the key `client-secret`);
 * - a SecurityPolicy on the route: OIDC (authorization code flow, tokens in encrypted cookies),
 *   then the ID token is handed to Envoy's JWT filter on an internal header, verified against
 *   Entra ID's signing keys (issuer, audience = the client id), and the request is allowed only
 *   when its `groups` claim holds one of the allowed groups; everything else is denied.
 *
 * Envoy Gateway runs the OAuth2 filter before the JWT filter and both before RBAC
 * (internal/xds/translator/httpfilters.go, v1.9.0), which is what makes the chain work: a request
 * without a session is redirected to sign in, one with a session but outside the groups gets 403.
 */
import { ENTRA_AUTHORITY, PLATFORM_SECRET_STORE } from '../../catalog/cluster-names';
import { platformHostname } from '../../catalog/edge';
import type { PlatformRoute } from '../../catalog/routes';
import { routeName } from './routes';

type Manifest = Record<string, any>;

export interface GatewaySignIn {
  readonly tenantId: string;
  readonly clientId: string;
  /** Key Vault secret (platform vault) with the app registration's client secret. */
  readonly clientSecretName: string;
  /** Entra ID groups whose members may pass. */
  readonly allowedGroupObjectIds: readonly string[];
}

/** The header the OAuth2 filter puts the ID token on, and the JWT filter reads it from. */
export const ID_TOKEN_HEADER = 'x-platform-id-token';
export const SIGN_IN_CALLBACK_PATH = '/oauth2/callback';
export const SIGN_OUT_PATH = '/oauth2/sign-out';
const JWT_PROVIDER = 'entra-id';

/** The environment's sign-in settings with the allowed groups resolved (none listed: the cluster admins). */
export function gatewaySignIn(config: Omit<GatewaySignIn, 'allowedGroupObjectIds'> & { readonly allowedGroupObjectIds: readonly string[] }, clusterAdmins: readonly string[]): GatewaySignIn {
  const groups = config.allowedGroupObjectIds.length > 0 ? config.allowedGroupObjectIds : clusterAdmins;
  return { tenantId: config.tenantId, clientId: config.clientId, clientSecretName: config.clientSecretName, allowedGroupObjectIds: [...groups] };
}

export const signInSecretName = (r: PlatformRoute) => `${routeName(r)}-sign-in`;
export const entraIssuer = (tenantId: string) => `${ENTRA_AUTHORITY}/${tenantId}/v2.0`;

export function signInClientSecret(r: PlatformRoute, signIn: GatewaySignIn, labels: Record<string, string>): Manifest {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: signInSecretName(r), namespace: r.namespace, labels },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: PLATFORM_SECRET_STORE },
      target: { name: signInSecretName(r), creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'client-secret', remoteRef: { key: signIn.clientSecretName } }],
    },
  };
}

export function signInPolicy(r: PlatformRoute, zone: string, signIn: GatewaySignIn, labels: Record<string, string>): Manifest {
  if (signIn.allowedGroupObjectIds.length === 0) throw new Error(`route ${r.host}: sign-in needs at least one allowed Entra ID group`);
  const issuer = entraIssuer(signIn.tenantId);
  const host = `https://${platformHostname(r.host, zone)}`;
  return {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'SecurityPolicy',
    metadata: { name: routeName(r), namespace: r.namespace, labels },
    spec: {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: routeName(r) }],
      oidc: {
        provider: { issuer },
        clientID: signIn.clientId,
        clientSecret: { group: '', kind: 'Secret', name: signInSecretName(r) },
        // A fixed callback on the route's own host: the app registration lists exactly these.
        redirectURL: `${host}${SIGN_IN_CALLBACK_PATH}`,
        logoutPath: SIGN_OUT_PATH,
        scopes: ['openid', 'profile', 'email'],
        cookieConfig: { sameSite: 'Lax' },
        forwardIDToken: { header: ID_TOKEN_HEADER },
      },
      jwt: {
        providers: [
          {
            name: JWT_PROVIDER,
            issuer,
            audiences: [signIn.clientId],
            remoteJWKS: { uri: `${ENTRA_AUTHORITY}/${signIn.tenantId}/discovery/v2.0/keys` },
            extractFrom: { headers: [{ name: ID_TOKEN_HEADER }] },
          },
        ],
      },
      authorization: {
        defaultAction: 'Deny',
        rules: [
          {
            name: 'allowed-groups',
            action: 'Allow',
            principal: { jwt: { provider: JWT_PROVIDER, claims: [{ name: 'groups', valueType: 'StringArray', values: [...signIn.allowedGroupObjectIds] }] } },
          },
        ],
      },
    },
  };
}
