/** What every rendered app gets to build its chart: the environment and the validated inputs. */
import type { App } from 'cdk8s';
import type { ModelCatalogue } from '../config/models';
import type { EnvironmentConfig } from '../config/schema';
import type { Tenant } from '../config/tenant-schema';

export interface RenderContext {
  readonly env: EnvironmentConfig;
  readonly models: ModelCatalogue;
  /** Every validated tenant (filter by `spec.environments` for this environment). */
  readonly tenants: readonly Tenant[];
  /** Tenants whose files say `retired: true`: nothing of theirs renders, but files may still name them. */
  readonly retiredTenants?: readonly string[];
}

/** Adds the charts of one app (rendered/<env>/<app>/manifests.yaml) to a fresh cdk8s App. */
export type AppBuilder = (app: App, ctx: RenderContext) => void;
