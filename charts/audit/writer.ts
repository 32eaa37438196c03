/**
 * What a service needs to write audit events, for any writer (the agent gateway here, the MCP
 * hub in its own app): the database settings, its identity's client id from the vault, the pod
 * label that gets it a federated token, and the egress to the database's private endpoint.
 * docs/runbooks/audit.md ("Writing events") is the contract for the service's code.
 */
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { AUDIT_DATABASE, type AuditIdentity } from '../../catalog/audit';
import { POSTGRES_PORT } from '../../catalog/data-services';
import { tcp } from '../workloads/common';

export interface AuditWriterSettings {
  /** Non-secret environment (ConfigMap). */
  readonly config: Record<string, string>;
  /** Environment variable -> Key Vault secret (ExternalSecret). */
  readonly secrets: Record<string, string>;
  readonly podLabels: Record<string, string>;
  readonly egress: k8s.NetworkPolicyEgressRule;
}

export function auditWriter(identity: AuditIdentity, postgresHost: string, privateEndpointsCidr: string): AuditWriterSettings {
  if (identity.role !== 'audit_writer') throw new Error(`${identity.name} is not an audit writer`);
  return {
    config: { AUDIT_DATABASE_HOST: postgresHost, AUDIT_DATABASE_NAME: AUDIT_DATABASE, AUDIT_DATABASE_USER: identity.name },
    secrets: { AZURE_CLIENT_ID: identity.clientIdSecret },
    podLabels: { 'azure.workload.identity/use': 'true' },
    egress: { to: [{ ipBlock: { cidr: privateEndpointsCidr } }], ports: tcp(POSTGRES_PORT) },
  };
}
