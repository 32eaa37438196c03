/**
 * Base class of every `<env>-<concern>` stack: the azurerm provider, the state backend, the
 * naming convention, the tags and `prevent_destroy` aspects, and the stack's resource group.
 * Concrete stacks only compose constructs on top of it.
 */
import { Construct } from 'constructs';
import { Aspects, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import type { EnvironmentConfig } from '../config/schema';
import { configureStateBackend } from '../constructs/backend';
import { Naming } from '../catalog/naming';
import { PreventDestroyAspect } from '../constructs/protection';
import { TaggingAspect } from '../constructs/tagging';
import { stackName } from './names';

export interface EnvironmentStackProps {
  readonly env: EnvironmentConfig;
  /** Offline work: local state files instead of the azurerm backend. */
  readonly localBackend?: boolean;
  /** Value of the `tenant` tag; `platform` for shared stacks. */
  readonly tenant?: string;
  /** Value of the `cost-center` tag; the environment's for shared stacks. */
  readonly costCenter?: string;
}

export const MANAGED_BY = 'cdktf';

export { stackName } from './names';

export abstract class EnvironmentStack extends TerraformStack {
  readonly env: EnvironmentConfig;
  readonly naming: Naming;
  readonly concern: string;
  private group?: ResourceGroup;

  protected constructor(scope: Construct, concern: string, props: EnvironmentStackProps) {
    const name = stackName(props.env.name, concern);
    super(scope, name);
    this.env = props.env;
    this.concern = concern;
    this.naming = new Naming({
      project: props.env.project,
      env: props.env.name,
      location: props.env.location,
      uniquenessSeed: props.env.subscriptionId,
    });

    new AzurermProvider(this, 'azurerm', {
      features: [
        {
          keyVault: [{ purgeSoftDeleteOnDestroy: false, recoverSoftDeletedKeyVaults: true }],
          resourceGroup: [{ preventDeletionIfContainsResources: true }],
        },
      ],
      useOidc: true,
      storageUseAzuread: true,
      ...(props.env.subscriptionId ? { subscriptionId: props.env.subscriptionId } : {}),
    });
    configureStateBackend(this, name, { ...props.env.state, local: props.localBackend });

    Aspects.of(this).add(
      new TaggingAspect(
        {
          env: props.env.name,
          tier: props.env.tier,
          tenant: props.tenant ?? 'platform',
          app: concern,
          'cost-center': props.costCenter ?? props.env.costCenter,
          'managed-by': MANAGED_BY,
        },
        props.env.tags,
      ),
    );
    Aspects.of(this).add(new PreventDestroyAspect());
  }

  /** The stack's resource group, created on first use: stacks with only in-cluster objects have none. */
  get resourceGroup(): ResourceGroup {
    this.group ??= new ResourceGroup(this, 'resource-group', { name: this.naming.name('resourceGroup', this.concern), location: this.env.location });
    return this.group;
  }
}
