/**
 * Artifact-cache rules that make the platform registry a pull-through mirror of each upstream
 * registry (catalog/registry-mirrors.ts), with a credential set where the upstream throttles
 * anonymous pulls. The credential set's own identity reads exactly its two Key Vault secrets.
 */
import { Construct } from 'constructs';
import { ContainerRegistryCacheRule } from '@cdktf/provider-azurerm/lib/container-registry-cache-rule';
import { ContainerRegistryCredentialSet } from '@cdktf/provider-azurerm/lib/container-registry-credential-set';
import { cacheRuleName, type UpstreamRegistry } from '../../catalog/registry-mirrors';
import { grantRole } from '../identity';

export interface RegistryMirrorProps {
  readonly registryId: string;
  readonly vaultId: string;
  /** https://<vault>.vault.azure.net/ */
  readonly vaultUri: string;
  readonly upstreams: readonly UpstreamRegistry[];
}

export class RegistryMirror extends Construct {
  readonly rules: ContainerRegistryCacheRule[] = [];

  constructor(scope: Construct, id: string, props: RegistryMirrorProps) {
    super(scope, id);
    for (const upstream of props.upstreams) {
      const name = cacheRuleName(upstream.host);
      let credentialSetId: string | undefined;
      if (upstream.credentials) {
        const set = new ContainerRegistryCredentialSet(this, `${name}-credentials`, {
          name: `${name}-login`,
          containerRegistryId: props.registryId,
          loginServer: upstream.host,
          identity: { type: 'SystemAssigned' },
          authenticationCredentials: {
            usernameSecretId: `${props.vaultUri}secrets/${upstream.credentials.usernameSecret}`,
            passwordSecretId: `${props.vaultUri}secrets/${upstream.credentials.passwordSecret}`,
          },
        });
        for (const secret of [upstream.credentials.usernameSecret, upstream.credentials.passwordSecret]) {
          grantRole(this, `${name}-reads-${secret}`, { principalId: set.identity.principalId, role: 'Key Vault Secrets User', scope: `${props.vaultId}/secrets/${secret}`, principalType: 'ServicePrincipal' });
        }
        credentialSetId = set.id;
      }
      this.rules.push(
        new ContainerRegistryCacheRule(this, name, {
          name,
          containerRegistryId: props.registryId,
          sourceRepo: `${upstream.host}/*`,
          targetRepo: `${upstream.host}/*`,
          ...(credentialSetId ? { credentialSetId } : {}),
        }),
      );
    }
  }
}
