/** What the values builders need besides the environment: identities and names known at synth time. */
import type { EnvironmentConfig } from '../../config/schema';
import type { AddonName } from '../../catalog/addons';

export interface AddonContext {
  readonly env: EnvironmentConfig;
  readonly highAvailability: boolean;
  /** The Entra ID tenant (a Terraform reference). */
  readonly tenantId: string;
  readonly clusterName: string;
  /** Client ids of the add-ons' user-assigned identities (Terraform references), where a stack made one. */
  readonly clientIds: Readonly<Partial<Record<AddonName, string>>>;
  /** The platform Key Vault's URI and the registry's login server (Terraform references), for add-ons that read them. */
  readonly vaultUri?: string;
  readonly registryLoginServer?: string;
}

/** The client id of an add-on's workload identity; a stack that installs the add-on must have made it. */
export function clientId(ctx: AddonContext, addon: AddonName): string {
  const id = ctx.clientIds[addon];
  if (!id) throw new Error(`add-on ${addon} needs its workload identity, but the stack installing it made none`);
  return id;
}
