/** What the values builders need besides the environment: identities and names known at synth time. */
import type { EnvironmentConfig } from '../../config/schema';
import type { AddonName } from '../../catalog/addons';
import { mirrorRegistry, type UpstreamHost } from '../../catalog/registry-mirrors';

export interface AddonContext {
  readonly env: EnvironmentConfig;
  readonly highAvailability: boolean;
  /** The Entra ID tenant (a Terraform reference). */
  readonly tenantId: string;
  readonly clusterName: string;
  /** Client ids of the add-ons' user-assigned identities (Terraform references), where a stack made one. */
  readonly clientIds: Readonly<Partial<Record<AddonName, string>>>;
  /** The platform Key Vault's URI (a Terraform reference), for add-ons that read it. */
  readonly vaultUri?: string;
  /** The environment's ACR login server (a Terraform reference): every add-on image is pulled through its mirror. */
  readonly registryLoginServer: string;
}

/**
 * Where an add-on pulls an image first published on `upstream`: the ACR cache rule's path
 * `<login server>/<upstream host>` (catalog/registry-mirrors.ts). Every chart's image values go
 * through this, so no node pulls from a public registry.
 */
export function mirror(ctx: AddonContext, upstream: UpstreamHost): string {
  return mirrorRegistry(ctx.registryLoginServer, upstream);
}

/** A full repository (`<login server>/<upstream host>/<path>`) for charts that take registry and path as one value. */
export function mirrorRepository(ctx: AddonContext, upstream: UpstreamHost, path: string): string {
  return `${mirror(ctx, upstream)}/${path}`;
}

/** The client id of an add-on's workload identity; a stack that installs the add-on must have made it. */
export function clientId(ctx: AddonContext, addon: AddonName): string {
  const id = ctx.clientIds[addon];
  if (!id) throw new Error(`add-on ${addon} needs its workload identity, but the stack installing it made none`);
  return id;
}
