/**
 * Everything synth reads from disk, validated together: environment files, the model
 * catalogue and tenant files. Problems of all of them are reported in one error.
 */
import { ENVIRONMENTS_DIR, listEnvironments, loadEnvironments, type EnvironmentMemo } from './load';
import { loadModelCatalogue, MODELS_FILE, type ModelCatalogue } from './models';
import type { EnvironmentConfig } from './schema';
import type { Tenant } from './tenant-schema';
import { loadTenants, tenantFiles, TENANTS_DIR, type LoadedTenant, type TenantMemoFactory } from './tenants';
import { join } from 'node:path';
import { PRIVATE_ENDPOINTS } from '../catalog/network';
import { parseCidr } from '../catalog/cidr';
import { AZURE_RESERVED_ADDRESSES } from './guard-rails';
import { cloudModelProblems, cloudModelsFor } from './cloud-models';
import { positionOf, ValidationError, type Problem } from './yaml-validate';

export interface InputOptions {
  /** Environments to synthesize; empty means all. Tenants are validated against all of them. */
  readonly envs?: string[];
  readonly environmentsDir?: string;
  readonly tenantsDir?: string;
  /** Explicit tenant files instead of every file in tenantsDir. */
  readonly tenantFiles?: string[];
  readonly modelsFile?: string;
  /**
   * The model catalogue, validated before from the same file (a review's base whose models file
   * is the working tree's): not read or validated again.
   */
  readonly models?: ModelCatalogue;
  /** Tenants validated before (the CLI's synth cache); cross-tenant checks run over them all the same. */
  readonly tenantMemo?: TenantMemoFactory;
  /** Environments validated before (the CLI's synth cache); checks across environments run all the same. */
  readonly environmentMemo?: EnvironmentMemo;
}

export interface Inputs {
  /** The environments to synthesize. */
  readonly environments: EnvironmentConfig[];
  readonly allEnvironments: EnvironmentConfig[];
  readonly models: ModelCatalogue;
  readonly tenants: Tenant[];
  readonly tenantFiles: LoadedTenant[];
}

/** The private-endpoint subnet must hold the shared endpoints and one per tenant of the environment. */
function privateEndpointCapacity(environments: EnvironmentConfig[], tenants: Tenant[], models: ModelCatalogue, dir: string): Problem[] {
  return environments.flatMap((env) => {
    const subnet = env.network.subnets.privateEndpoints;
    const usable = 2 ** (32 - (parseCidr(subnet)?.prefix ?? 32)) - AZURE_RESERVED_ADDRESSES;
    const count = tenants.filter((t) => t.spec.environments.includes(env.name)).length;
    const openAI = cloudModelsFor(env, tenants, models).models.length > 0 ? PRIVATE_ENDPOINTS.azureOpenAI + PRIVATE_ENDPOINTS.contentSafety : 0;
    const platform = PRIVATE_ENDPOINTS.shared + openAI + PRIVATE_ENDPOINTS.driverCreated;
    const needed = platform + count * PRIVATE_ENDPOINTS.perTenant;
    if (needed <= usable) return [];
    return [
      {
        ...positionOf(join(dir, `${env.name}.yaml`), ['network', 'subnets', 'privateEndpoints']),
        path: 'network.subnets.privateEndpoints',
        message: `${subnet} has ${usable} usable addresses, but ${env.name} needs ${needed} private endpoints (${platform} for the platform, ${count} for its tenants' Key Vaults)`,
        hint: 'give the subnet a shorter prefix inside network.addressSpace',
      },
    ];
  });
}

/** A subscription plan has one owner: two environments of one subscription cannot both manage Defender. */
function subscriptionPlanOwners(environments: EnvironmentConfig[], dir: string): Problem[] {
  const managing = environments.filter((e) => e.subscriptionId && e.security.defenderForContainers === 'manage');
  return managing
    .filter((e) => managing.some((o) => o !== e && o.subscriptionId === e.subscriptionId && o.name < e.name))
    .map((e) => ({
      ...positionOf(join(dir, `${e.name}.yaml`), ['security']),
      path: 'security.defenderForContainers',
      message: `${e.name} and ${managing.find((o) => o !== e && o.subscriptionId === e.subscriptionId)!.name} share subscription ${e.subscriptionId}, and only one stack may manage its Defender for Containers plan`,
      hint: `set security.defenderForContainers: external (with externalOwner) in ${e.name}.yaml`,
    }));
}

export function loadInputs(options: InputOptions = {}): Inputs {
  const problems: Problem[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const dir = options.environmentsDir ?? ENVIRONMENTS_DIR;
  const wanted = options.envs ?? [];
  const allNames = [...new Set([...listEnvironments(dir), ...wanted])];
  const allEnvironments = attempt(() => loadEnvironments(allNames, dir, options.environmentMemo));
  const models = options.models ?? attempt(() => loadModelCatalogue(options.modelsFile ?? MODELS_FILE));
  // Tenants can only be checked against valid environments and a valid catalogue.
  const loaded =
    allEnvironments && models
      ? attempt(() => {
          const ctx = { environments: allEnvironments, models };
          return loadTenants(options.tenantFiles ?? tenantFiles(options.tenantsDir ?? TENANTS_DIR), ctx, options.tenantMemo?.(ctx));
        })
      : undefined;
  if (allEnvironments && models && loaded) {
    problems.push(...privateEndpointCapacity(allEnvironments, loaded.map((l) => l.tenant), models, dir));
    problems.push(...cloudModelProblems(allEnvironments, loaded.map((l) => l.tenant), models, dir));
  }
  if (allEnvironments) problems.push(...subscriptionPlanOwners(allEnvironments, dir));
  if (problems.length > 0 || !allEnvironments || !models || !loaded) throw new ValidationError(problems);
  const environments = wanted.length > 0 ? allEnvironments.filter((e) => wanted.includes(e.name)) : allEnvironments;
  return { environments, allEnvironments, models, tenants: loaded.map((l) => l.tenant), tenantFiles: loaded };
}
