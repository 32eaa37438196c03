/**
 * Where a stack keeps its state: the azurerm backend, one key per stack, authenticated with
 * OIDC (workload-identity federation, no storage keys). A local backend exists only for
 * offline work and must be asked for.
 */
import { AzurermBackend, LocalBackend, TerraformStack } from 'cdktf';

export interface StateBackendProps {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  /** Offline work only: state in ./terraform.<stack>.tfstate next to the synthesized stack. */
  readonly local?: boolean;
}

export function stateKey(stackName: string): string {
  return `${stackName}.tfstate`;
}

export function configureStateBackend(stack: TerraformStack, stackName: string, props: StateBackendProps): void {
  if (props.local) {
    new LocalBackend(stack, { path: `terraform.${stackName}.tfstate` });
    return;
  }
  new AzurermBackend(stack, {
    resourceGroupName: props.resourceGroupName,
    storageAccountName: props.storageAccountName,
    containerName: props.containerName,
    key: stateKey(stackName),
    useOidc: true,
    useAzureadAuth: true,
  });
}
