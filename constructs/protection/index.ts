/**
 * `prevent_destroy` on every stateful resource, applied by type so that a stateful resource
 * added later is protected without anyone remembering to. Opting out is explicit and per
 * resource (`allowDestroy`), so a reviewer sees it in the diff.
 */
import { IConstruct } from 'constructs';
import { IAspect, TerraformResource, Token } from 'cdktf';

/** Resource types whose loss loses data, identity or addresses that others depend on. */
export const STATEFUL_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'azurerm_kubernetes_cluster',
  'azurerm_container_registry',
  'azurerm_key_vault',
  'azurerm_log_analytics_workspace',
  'azurerm_dns_zone',
  'azurerm_private_dns_zone',
  'azurerm_virtual_network',
  'azurerm_user_assigned_identity',
  'azurerm_storage_account',
  'azurerm_storage_container',
  'azurerm_postgresql_flexible_server',
  'azurerm_postgresql_flexible_server_database',
  'azurerm_redis_cache',
]);

const ALLOW_DESTROY = 'platform:allow-destroy';

/** Exempts one resource from `prevent_destroy`; `reason` is kept in the construct metadata. */
export function allowDestroy(resource: TerraformResource, reason: string): void {
  if (!reason.trim()) throw new Error('allowDestroy needs a reason');
  resource.node.addMetadata(ALLOW_DESTROY, reason);
}

export class PreventDestroyAspect implements IAspect {
  visit(node: IConstruct): void {
    if (this.protects(node)) node.lifecycle = { ...(node.lifecycle ?? {}), preventDestroy: true };
  }

  /** Whether visiting `node` would overwrite a value that holds a token (main.ts prepareInOnePass applies this aspect early only where it would not). */
  overwritesToken(node: IConstruct): boolean {
    return this.protects(node) && (Token.isUnresolved(node.lifecycle) || Token.isUnresolved(node.lifecycle?.preventDestroy));
  }

  private protects(node: IConstruct): node is TerraformResource {
    return TerraformResource.isTerraformResource(node) && STATEFUL_RESOURCE_TYPES.has(node.terraformResourceType) && !node.node.metadata.some((m) => m.type === ALLOW_DESTROY);
  }
}
