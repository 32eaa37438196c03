import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { POLICY_DATA_FILE, policyData, renderPolicyData } from '../../cli/lib/policy-data';

describe('policies/terraform/data/platform.json', () => {
  it('matches the installed provider and the PreventDestroyAspect (regenerate: node --import tsx scripts/policy-data.ts)', () => {
    assert.equal(readFileSync(POLICY_DATA_FILE, 'utf8'), renderPolicyData());
  });

  it('knows the taggable types the platform uses, and not the untaggable ones', () => {
    const { taggable_resource_types: taggable } = policyData();
    for (const t of ['azurerm_kubernetes_cluster', 'azurerm_key_vault', 'azurerm_virtual_network', 'azurerm_private_endpoint']) assert.ok(taggable.includes(t), t);
    for (const t of ['azurerm_subnet', 'azurerm_role_assignment', 'azurerm_monitor_diagnostic_setting']) assert.ok(!taggable.includes(t), t);
  });
});
