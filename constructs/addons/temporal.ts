/**
 * What Temporal's release needs before it starts, as plain objects the control-plane stack
 * applies: the ServiceAccount its pods run as (no token mount), the internal CA's certificates
 * for internode, frontend and client mutual TLS, and the ExternalSecret that brings the database
 * role's password from Key Vault.
 */
import { INTERNAL_CA_ISSUER, PLATFORM_SECRET_STORE } from '../../catalog/cluster-names';
import {
  TEMPORAL_CERTIFICATES,
  TEMPORAL_DB_PASSWORD_VAULT_SECRET,
  TEMPORAL_DB_SECRET,
  TEMPORAL_DB_SECRET_KEY,
  TEMPORAL_FRONTEND_SERVICE,
  TEMPORAL_INTERNODE_SERVER_NAME,
  TEMPORAL_NAMESPACE,
  TEMPORAL_SERVICE_ACCOUNT,
} from '../../catalog/temporal';

type Manifest = Record<string, any>;

const LABELS = { 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/name': 'temporal' };
const meta = (name: string) => ({ name, namespace: TEMPORAL_NAMESPACE, labels: LABELS });

export function temporalServiceAccount(): Manifest {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(TEMPORAL_SERVICE_ACCOUNT), automountServiceAccountToken: false };
}

/** Every in-cluster name of the frontend Service, for its serving certificate. */
export function frontendDnsNames(): string[] {
  const svc = TEMPORAL_FRONTEND_SERVICE;
  return [svc, `${svc}.${TEMPORAL_NAMESPACE}`, `${svc}.${TEMPORAL_NAMESPACE}.svc`, `${svc}.${TEMPORAL_NAMESPACE}.svc.cluster.local`];
}

function certificate(key: keyof typeof TEMPORAL_CERTIFICATES, dnsNames: string[], usages: string[]): Manifest {
  const c = TEMPORAL_CERTIFICATES[key];
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: meta(c.secret),
    spec: {
      secretName: c.secret,
      commonName: c.commonName,
      ...(dnsNames.length ? { dnsNames } : {}),
      usages,
      // 30 days, renewed after 20: the server rereads the files (tls.refreshInterval).
      duration: '720h',
      renewBefore: '240h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef: { name: INTERNAL_CA_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' },
    },
  };
}

/** Internode (server and client auth: each service is both), frontend (server), client (the UI, the namespace Job, the system workers). */
export function temporalCertificates(): Manifest[] {
  return [
    certificate('internode', [TEMPORAL_INTERNODE_SERVER_NAME], ['digital signature', 'server auth', 'client auth']),
    certificate('frontend', frontendDnsNames(), ['digital signature', 'server auth']),
    certificate('client', [], ['digital signature', 'client auth']),
  ];
}

/** The database role's password: Key Vault -> Secret the chart's existingSecret names. */
export function temporalDatabaseSecret(): Manifest {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: meta(TEMPORAL_DB_SECRET),
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: PLATFORM_SECRET_STORE },
      target: { name: TEMPORAL_DB_SECRET, creationPolicy: 'Owner' },
      data: [{ secretKey: TEMPORAL_DB_SECRET_KEY, remoteRef: { key: TEMPORAL_DB_PASSWORD_VAULT_SECRET } }],
    },
  };
}
