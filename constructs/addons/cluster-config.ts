/**
 * Custom resources of the add-ons, as plain objects: cert-manager ClusterIssuers, the External
 * Secrets ClusterSecretStore on the platform Key Vault, and Argo CD's platform AppProject and
 * root app-of-apps Application. The cluster-config stack applies them once the CRDs exist.
 */
import { PLATFORM_NAMESPACE_NAMES } from '../../catalog/namespaces';
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT } from '../../catalog/cluster-names';
import { ADDONS } from '../../catalog/addons';
import { ACME_ISSUER, INTERNAL_CA_ISSUER, PLATFORM_PROJECT, PLATFORM_SECRET_STORE, REPO_TOKEN_SECRET, ROOT_APPLICATION, SECRET_READERS } from '../../catalog/cluster-names';

type Manifest = Record<string, any>;

const IN_CLUSTER = 'https://kubernetes.default.svc';

const ACME_SERVERS = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

export interface IssuerProps {
  readonly acmeEmail: string;
  readonly acmeServer: keyof typeof ACME_SERVERS;
  readonly subscriptionId: string;
  readonly dnsZoneName: string;
  readonly dnsZoneResourceGroup: string;
}

/**
 * Public certificates by ACME DNS-01 on the environment's Azure DNS zone (cert-manager's
 * workload identity, no secrets), and an internal CA for service-to-service certificates,
 * bootstrapped from a self-signed root kept in the cert-manager namespace.
 */
export function issuers(props: IssuerProps): Manifest[] {
  const certManagerNs = ADDONS.certManager.namespace;
  return [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: ACME_ISSUER },
      spec: {
        acme: {
          server: ACME_SERVERS[props.acmeServer],
          email: props.acmeEmail,
          privateKeySecretRef: { name: `${ACME_ISSUER}-account-key` },
          solvers: [
            {
              selector: { dnsZones: [props.dnsZoneName] },
              dns01: {
                azureDNS: {
                  subscriptionID: props.subscriptionId,
                  resourceGroupName: props.dnsZoneResourceGroup,
                  hostedZoneName: props.dnsZoneName,
                  environment: 'AzurePublicCloud',
                  // Empty: the identity comes from the annotated service account (workload identity).
                  managedIdentity: {},
                },
              },
            },
          ],
        },
      },
    },
    { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'selfsigned-bootstrap' }, spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: `${INTERNAL_CA_ISSUER}-root`, namespace: certManagerNs },
      spec: {
        isCA: true,
        commonName: `${props.dnsZoneName} internal CA`,
        secretName: `${INTERNAL_CA_ISSUER}-root`,
        duration: '87600h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 384, rotationPolicy: 'Always' },
        issuerRef: { name: 'selfsigned-bootstrap', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
    },
    { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: INTERNAL_CA_ISSUER }, spec: { ca: { secretName: `${INTERNAL_CA_ISSUER}-root` } } },
  ];
}

/** Every ExternalSecret of the platform reads the environment's Key Vault through this store. */
export function secretStore(vaultUri: string): Manifest {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: PLATFORM_SECRET_STORE },
    spec: {
      // Only the namespaces whose apps read platform secrets; tenants use their own vaults.
      conditions: [{ namespaces: [...SECRET_READERS] }],
      provider: {
        azurekv: {
          vaultUrl: vaultUri,
          authType: 'WorkloadIdentity',
          serviceAccountRef: { name: EXTERNAL_SECRETS_SERVICE_ACCOUNT, namespace: ADDONS.externalSecrets.namespace },
        },
      },
    },
  };
}

export interface GitOpsProps {
  readonly env: string;
  readonly repoURL: string;
  readonly targetRevision: string;
}

/**
 * The project the platform's own apps run in: only the platform repository, only platform
 * namespaces, and only the cluster-scoped kinds the rendered apps contain.
 */
export function platformProject(props: GitOpsProps): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: PLATFORM_PROJECT, namespace: ADDONS.argocd.namespace },
    spec: {
      description: 'The platform apps rendered from this repository',
      sourceRepos: [props.repoURL],
      destinations: PLATFORM_NAMESPACE_NAMES.map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: [
        { group: 'templates.gatekeeper.sh', kind: 'ConstraintTemplate' },
        { group: 'constraints.gatekeeper.sh', kind: '*' },
      ],
      orphanedResources: { warn: true },
    },
  };
}

/** The root of app-of-apps: syncs rendered/<env>/apps, which holds one Application per rendered app. */
export function rootApplication(props: GitOpsProps): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: ROOT_APPLICATION, namespace: ADDONS.argocd.namespace, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
    spec: {
      project: PLATFORM_PROJECT,
      source: { repoURL: props.repoURL, targetRevision: props.targetRevision, path: `rendered/${props.env}/apps` },
      destination: { server: IN_CLUSTER, namespace: ADDONS.argocd.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'], retry: { limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } } },
    },
  };
}

/** Argo CD's credentials for the platform repository, synced from Key Vault (never in state or Git). */
export function repositoryCredentials(props: GitOpsProps): Manifest {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'platform-repository', namespace: ADDONS.argocd.namespace },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: PLATFORM_SECRET_STORE },
      target: {
        name: 'platform-repository',
        creationPolicy: 'Owner',
        template: {
          metadata: { labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
          data: { type: 'git', url: props.repoURL, username: 'x-access-token', password: '{{ .token }}' },
        },
      },
      data: [{ secretKey: 'token', remoteRef: { key: REPO_TOKEN_SECRET } }],
    },
  };
}
