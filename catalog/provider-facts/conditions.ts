/**
 * What each code-level rule of the generated provider facts means, classified by a person who
 * read the provider's condition (its source and code are in the facts). Keyed by resource type
 * and attribute (conditional ForceNew) or by the guard's message, so a provider bump that adds
 * or changes a rule fails test/unit/provider-facts.test.ts until it is classified here. A rule
 * left unclassified is never assumed harmless: the review reports "may replace".
 */

/** How a conditional ForceNew decides, from the attribute's old and new value. */
export type ConditionKind =
  /** Replaced when the new value is lower (numbers and numeric strings such as versions). */
  | { kind: 'decrease' }
  /** Replaced when the new value ranks lower in `order`. */
  | { kind: 'order-decrease'; order: string[] }
  /** Replaced when a set value is cleared (unset, empty or zero). */
  | { kind: 'cleared' }
  /** Replaced by any change once a value was set. */
  | { kind: 'changed-when-set' }
  /** Replaced by any change. */
  | { kind: 'always' }
  /** Replaced unless old and new both match one of the patterns (a migration the API supports). */
  | { kind: 'unless-both'; patterns: string[] }
  /** Replaced when moving between the two groups (either direction). */
  | { kind: 'crosses-groups'; groups: [string[], string[]] }
  /** Replaced unless the change is one of the listed [old, new] transitions ('' = unset). */
  | { kind: 'unless-transition'; transitions: [string, string][] }
  /** Replaced only by the listed [old, new] transitions ('' = unset). */
  | { kind: 'on-transition'; transitions: [string, string][] }
  /** Replaced when the new value is not one of these. */
  | { kind: 'unless-new-in'; values: string[] }
  /** Replaced when the old value equals this (a one-way state). */
  | { kind: 'from-value'; value: string }
  /** Never for this platform, with the reason. */
  | { kind: 'never'; reason: string };

export const CONDITIONAL_RULES: Record<string, ConditionKind> = {
  // Cognitive accounts (Azure OpenAI, Content Safety): a subdomain, once set, is the account's identity.
  'azurerm_cognitive_account:custom_subdomain_name': { kind: 'changed-when-set' },
  'azurerm_cognitive_account:customer_managed_key': { kind: 'never', reason: 'replaced only when a customer-managed key is removed with project_management_enabled, which only kind AIServices allows; the platform builds OpenAI and ContentSafety accounts without either' },
  'azurerm_cognitive_account:project_management_enabled': { kind: 'never', reason: 'replaced when project management is switched off; the platform never switches it on (kind AIServices only)' },
  // Removing a cache rule's credential set replaces the rule (adding or changing one updates it).
  'azurerm_container_registry_cache_rule:credential_set_id': { kind: 'cleared' },
  'azurerm_kubernetes_cluster:default_node_pool.upgrade_settings.drain_timeout_in_minutes': { kind: 'cleared' },
  'azurerm_kubernetes_cluster:default_node_pool.upgrade_settings.undrainable_node_behavior': { kind: 'cleared' },
  'azurerm_kubernetes_cluster:service_principal.client_id': { kind: 'never', reason: 'the platform uses managed identities; a service principal is never set' },
  'azurerm_kubernetes_cluster:windows_profile.gmsa': { kind: 'cleared' },
  'azurerm_kubernetes_cluster:windows_profile.gmsa.dns_server': { kind: 'cleared' },
  'azurerm_kubernetes_cluster:windows_profile.gmsa.root_domain': { kind: 'cleared' },
  'azurerm_kubernetes_cluster:api_server_access_profile.subnet_id': { kind: 'cleared' },
  // Only the retry after a failed rotation (old name = temporary name) is exempt; a rename replaces.
  'azurerm_kubernetes_cluster:default_node_pool.name': { kind: 'always' },
  'azurerm_kubernetes_cluster:network_profile.network_data_plane': { kind: 'changed-when-set' },
  'azurerm_kubernetes_cluster:network_profile.network_plugin_mode': { kind: 'unless-new-in', values: ['overlay'] },
  'azurerm_kubernetes_cluster:network_profile.network_policy': { kind: 'changed-when-set' },
  'azurerm_kubernetes_cluster_node_pool:os_sku': { kind: 'unless-both', patterns: ['Ubuntu*', 'AzureLinux*'] },
  'azurerm_kubernetes_cluster_node_pool:upgrade_settings.drain_timeout_in_minutes': { kind: 'cleared' },
  'azurerm_kubernetes_cluster_node_pool:upgrade_settings.undrainable_node_behavior': { kind: 'cleared' },
  'azurerm_log_analytics_workspace:sku': {
    kind: 'unless-transition',
    transitions: [
      ['LACluster', '*'],
      ['', '*'],
      ['CapacityReservation', 'PerGB2018'],
      ['PerGB2018', 'CapacityReservation'],
    ],
  },
  'azurerm_postgresql_flexible_server:version': { kind: 'decrease' },
  'azurerm_postgresql_flexible_server:administrator_login': { kind: 'changed-when-set' },
  'azurerm_postgresql_flexible_server:storage_mb': { kind: 'decrease' },
  'azurerm_postgresql_flexible_server:identity.type': {
    kind: 'on-transition',
    transitions: [
      ['UserAssigned', 'SystemAssigned'],
      ['UserAssigned', ''],
      ['SystemAssigned, UserAssigned', 'SystemAssigned'],
      ['SystemAssigned, UserAssigned', ''],
    ],
  },
  'azurerm_public_ip:domain_name_label_scope': { kind: 'unless-transition', transitions: [['', '*']] },
  'azurerm_redis_cache:sku_name': { kind: 'order-decrease', order: ['Basic', 'Standard', 'Premium'] },
  'azurerm_storage_account:account_kind': { kind: 'unless-transition', transitions: [['Storage', 'StorageV2']] },
  'azurerm_storage_account:large_file_share_enabled': { kind: 'from-value', value: 'true' },
  'azurerm_storage_account:immutability_policy.state': { kind: 'from-value', value: 'Locked' },
  'azurerm_storage_account:account_replication_type': {
    kind: 'crosses-groups',
    groups: [
      ['LRS', 'GRS', 'RAGRS'],
      ['ZRS', 'GZRS', 'RAGZRS'],
    ],
  },
  'azurerm_storage_container:storage_account_id': { kind: 'always' },
  'azurerm_storage_container:storage_account_name': { kind: 'changed-when-set' },
  'kubernetes_manifest:manifest': { kind: 'never', reason: 'apiextensions.k8s.io/v1 requires a structural schema for every CRD, so every kind the platform applies has one' },
};

/** How a guard (an error the provider returns) decides that an apply will fail. */
export type GuardKind =
  /** A check on one configuration, not on a change: validation and the plan catch it. */
  | { kind: 'validation' }
  /** Fails on any change once the attribute was set. */
  | { kind: 'unchangeable-once-set' }
  /** Fails when the value decreases. */
  | { kind: 'no-decrease' }
  /** Fails when a set value is unset (or true becomes false). */
  | { kind: 'no-unset' }
  /** Fails on any change, or on a decrease, while `flag` of the resource is true (a locked policy). */
  | { kind: 'while-flag'; flag: string; change: 'any' | 'decrease' | 'unset' };

export const GUARD_RULES: Record<string, GuardKind> = {
  'azurerm_cognitive_account:`network_acls.bypass` cannot be set when `kind` is set to `%s`': { kind: 'validation' },
  'azurerm_dns_zone:`email` which is concatenated with DNS Zone `name` cannot exceed 253 characters excluding a trailing period': { kind: 'validation' },
  'azurerm_private_dns_zone:the value %q for `email` which is concatenated with Private DNS Zone `name` cannot exceed 253 characters excluding a trailing period': { kind: 'validation' },
  'azurerm_key_vault:updating %s: once `soft_delete_retention_days` has been configured it cannot be modified': { kind: 'unchangeable-once-set' },
  'azurerm_kubernetes_cluster:`node_os_upgrade_channel` cannot be set to a value other than `NodeImage` if `automatic_upgrade_channel` is set to `node-image`': { kind: 'validation' },
  'azurerm_kubernetes_cluster:`upgrade_override` cannot be unset': { kind: 'no-unset' },
  'azurerm_kubernetes_cluster:`network_mode` cannot be set if `network_plugin` is not `azure`': { kind: 'validation' },
  'azurerm_log_analytics_workspace:`sku` cannot be set to `LACluster` during creation unless the workspace is in a soft-deleted state while linked to a Log Analytics Cluster': { kind: 'validation' },
  'azurerm_postgresql_flexible_server:`replication_role` cannot be set while creating': { kind: 'validation' },
  'azurerm_postgresql_flexible_server:`administrator_login`, `administrator_password` and `administrator_password_wo` cannot be set during creation when `authentication.password_auth_enabled` is set to `false`': { kind: 'validation' },
  'azurerm_redis_cache:cannot set `authentication_enabled` or `enable_authentication` to `false` when `subnet_id` is not set': { kind: 'validation' },
  "azurerm_storage_account:`large_file_share_enabled` cannot be disabled once it's been enabled": { kind: 'no-unset' },
  'azurerm_storage_account:`queue_encryption_key_type = %q` cannot be used with account kind `%q`': { kind: 'validation' },
  'azurerm_storage_account:`table_encryption_key_type = %q` cannot be used with account kind `%q`': { kind: 'validation' },
  'azurerm_storage_account:`last_access_time_enabled` can not be configured when `kind` is set to `Storage` (v1)': { kind: 'validation' },
  'azurerm_storage_account:`change_feed_enabled` can not be configured when `kind` is set to `Storage` (v1)': { kind: 'validation' },
  'azurerm_storage_account:`change_feed_retention_in_days` can not be configured when `kind` is set to `Storage` (v1)': { kind: 'validation' },
  'azurerm_storage_account:`restore_policy` can not be configured when `kind` is set to `Storage` (v1)': { kind: 'validation' },
  'azurerm_storage_account:`versioning_enabled` can not be configured when `kind` is set to `Storage` (v1)': { kind: 'validation' },
  'azurerm_storage_container_immutability_policy:`protected_append_writes_all_enabled` and `protected_append_writes_enabled` cannot be set at the same time': { kind: 'validation' },
  'azurerm_storage_container_immutability_policy:unable to set `locked = false` - once an immutability policy locked it cannot be unlocked': { kind: 'no-unset' },
  'azurerm_storage_container_immutability_policy:`immutability_period_in_days` cannot be decreased once an immutability policy has been locked': { kind: 'while-flag', flag: 'locked', change: 'decrease' },
  'azurerm_storage_container_immutability_policy:`protected_append_writes_all_enabled` cannot be changed once an immutability policy has been locked': { kind: 'while-flag', flag: 'locked', change: 'any' },
  'azurerm_storage_container_immutability_policy:`protected_append_writes_enabled` cannot be changed once an immutability policy has been locked': { kind: 'while-flag', flag: 'locked', change: 'any' },
  'azurerm_subnet:`sharing_scope` cannot be set if `default_outbound_access_enabled` is set to `true`': { kind: 'validation' },
  'azurerm_subnet:`number_of_ip_addresses` cannot be decreased from %v to %v on pool: %v': { kind: 'no-decrease' },
  'azurerm_virtual_network:`number_of_ip_addresses` cannot be decreased from %v to %v on pool: %v': { kind: 'no-decrease' },
};

export const conditionKey = (type: string, attribute: string) => `${type}:${attribute}`;
export const guardKey = (type: string, message: string) => `${type}:${message}`;

const unsetValues = new Set<unknown>([undefined, null, '', 0, false]);
const isSet = (v: unknown) => !unsetValues.has(v) && !(Array.isArray(v) && v.length === 0);
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const num = (v: unknown) => Number(v);
const matches = (pattern: string, value: string) => (pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern);

/** Whether a classified conditional ForceNew fires for this change. */
export function conditionFires(c: ConditionKind, before: unknown, after: unknown): boolean {
  switch (c.kind) {
    case 'decrease':
      return num(after) < num(before);
    case 'order-decrease':
      return c.order.indexOf(str(after)) < c.order.indexOf(str(before));
    case 'cleared':
      return isSet(before) && !isSet(after);
    case 'changed-when-set':
      return isSet(before);
    case 'always':
      return true;
    case 'unless-both':
      return !(c.patterns.some((p) => matches(p, str(before))) && c.patterns.some((p) => matches(p, str(after))));
    case 'crosses-groups': {
      const group = (v: unknown) => c.groups.findIndex((g) => g.includes(str(v).toUpperCase()));
      return group(before) !== group(after) && group(before) >= 0 && group(after) >= 0;
    }
    case 'unless-transition':
      return !c.transitions.some(([from, to]) => matches(from, str(before)) && matches(to, str(after)));
    case 'on-transition':
      return c.transitions.some(([from, to]) => matches(from, str(before)) && matches(to, str(after)));
    case 'unless-new-in':
      return !c.values.includes(str(after));
    case 'from-value':
      return str(before) === c.value;
    case 'never':
      return false;
  }
}

/** Whether a classified guard makes the apply fail for this change. */
export function guardFails(g: GuardKind, before: unknown, after: unknown, resourceBefore: Record<string, unknown>): boolean {
  switch (g.kind) {
    case 'validation':
      return false;
    case 'unchangeable-once-set':
      return isSet(before);
    case 'no-decrease':
      return num(after) < num(before);
    case 'no-unset':
      return isSet(before) && !isSet(after);
    case 'while-flag': {
      if (resourceBefore[g.flag] !== true) return false;
      if (g.change === 'decrease') return num(after) < num(before);
      if (g.change === 'unset') return isSet(before) && !isSet(after);
      return true;
    }
  }
}
