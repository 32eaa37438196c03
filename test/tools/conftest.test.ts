/**
 * conftest with policies/terraform over every synthesized stack, plus mutations of the real
 * output that each policy must catch: proof that the rules bite on this platform's JSON, not
 * only on the hand-written fixtures of `opa test`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RENDERED_DIR } from '../../cli/lib/render';
import { runTool } from '../helpers/tools';
import { synthApp } from '../helpers/synth';

const app = synthApp();
const stackFiles = Object.keys(app.stacks).map((name) => join(app.outdir, app.manifest.stacks[name].synthesizedStackPath));

function conftest(files: string[]) {
  const res = runTool('conftest', [
    'test', '--no-color', '--all-namespaces', '--output', 'json',
    '--policy', 'policies/terraform', '--data', 'policies/terraform/data', ...files,
  ]);
  const results = JSON.parse(res.stdout) as { filename: string; failures?: { msg: string }[]; warnings?: { msg: string }[] }[];
  return { status: res.status, failures: results.flatMap((r) => (r.failures ?? []).map((f) => f.msg)), stderr: res.stderr };
}

function mutated(stack: string, mutate: (json: any) => void): string {
  const file = join(app.outdir, app.manifest.stacks[stack].synthesizedStackPath);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  mutate(json);
  const out = join(mkdtempSync(join(tmpdir(), 'mutant-')), 'cdk.tf.json');
  writeFileSync(out, JSON.stringify(json));
  return out;
}

const first = (byId: Record<string, any>) => Object.values(byId)[0];

describe('conftest: policies/terraform', () => {
  it('every synthesized stack passes', () => {
    const { status, failures, stderr } = conftest(stackFiles);
    assert.deepEqual(failures, []);
    assert.equal(status, 0, stderr);
  });

  const mutations: [string, string, (json: any) => void, RegExp][] = [
    ['local accounts re-enabled', 'prod-platform', (j) => (first(j.resource.azurerm_kubernetes_cluster).local_account_disabled = false), /local_account_disabled must be true/],
    ['GPU taint dropped', 'dev-platform', (j) => {
      const gpu = Object.values<any>(j.resource.azurerm_kubernetes_cluster_node_pool).find((p) => p.name === 'gpu');
      gpu.node_taints = gpu.node_taints.filter((t: string) => !t.startsWith('nvidia.com/gpu'));
    }, /GPU pool gpu needs the taint/],
    ['a tag removed', 'prod-network', (j) => delete first(j.resource.azurerm_virtual_network).tags.tenant, /tag "tenant" is missing/],
    ['prevent_destroy removed', 'prod-platform', (j) => delete first(j.resource.azurerm_key_vault).lifecycle, /azurerm_key_vault\): stateful resource without lifecycle.prevent_destroy/],
    ['audit logs removed', 'prod-platform', (j) => {
      for (const d of Object.values<any>(j.resource.azurerm_monitor_diagnostic_setting)) d.enabled_log = d.enabled_log.filter((l: any) => l.category !== 'kube-audit-admin');
    }, /no diagnostic setting sends kube-audit-admin/],
    ['ACR admin user on', 'dev-platform', (j) => (first(j.resource.azurerm_container_registry).admin_enabled = true), /admin_enabled must be false/],
    ['state backend without OIDC', 'dev-network', (j) => delete j.terraform.backend.azurerm.use_oidc, /must set use_oidc/],
    ['the tenant budget removed', 'prod-tenant-acme-search', (j) => delete j.resource.azurerm_consumption_budget_subscription, /tenant stack without a consumption budget/],
    ['the vault opened to the internet', 'prod-platform', (j) => (first(j.resource.azurerm_key_vault).public_network_access_enabled = true), /public network access must be disabled in prod/],
    ['the registry logs removed', 'dev-platform', (j) => {
      for (const [id, d] of Object.entries<any>(j.resource.azurerm_monitor_diagnostic_setting)) if (d.target_resource_id.includes('azurerm_container_registry')) delete j.resource.azurerm_monitor_diagnostic_setting[id];
    }, /no diagnostic setting sends its logs/],
    // Environment guard rails (config/guard-rails.ts) hold even when a construct is edited by hand.
    ['a public production API server', 'prod-platform', (j) => (first(j.resource.azurerm_kubernetes_cluster).private_cluster_enabled = false), /a production cluster must have a private API server/],
    ['an authorized range wider than /16', 'dev-platform', (j) => first(j.resource.azurerm_kubernetes_cluster).api_server_access_profile.authorized_ip_ranges.push('10.0.0.0/8'), /authorized IP range 10\.0\.0\.0\/8 is wider than \/16/],
    ['authorized ranges that add up to everything', 'dev-platform', (j) => first(j.resource.azurerm_kubernetes_cluster).api_server_access_profile.authorized_ip_ranges.push('0.0.0.0/1', '128.0.0.0/1'), /together admit every address/],
    ['a /30 node subnet', 'prod-network', (j) => (Object.values<any>(j.resource.azurerm_subnet).find((x) => x.name.includes('nodes')).address_prefixes = ['10.50.0.0/30']), /is smaller than a \/29/],
    ['a region that does not exist', 'dev-network', (j) => (first(j.resource.azurerm_resource_group).location = 'nowhereland'), /"nowhereland" is not an Azure region/],
    ['a Kubernetes version AKS does not support', 'prod-platform', (j) => (first(j.resource.azurerm_kubernetes_cluster).kubernetes_version = '1.99'), /Kubernetes 1\.99 is not in AKS support/],
    ['internet inbound in production', 'prod-network', (j) => {
      const nsg = first(j.resource.azurerm_network_security_group);
      nsg.security_rule = [...(nsg.security_rule ?? []), { name: 'web', direction: 'Inbound', access: 'Allow', source_address_prefix: 'Internet', protocol: 'Tcp', destination_port_range: '443', priority: 100 }];
    }, /production admits no inbound traffic from the internet \(rule web\)/],
    // Hardening (docs/adr/0005-cluster-hardening.md).
    ['egress no longer through the firewall', 'prod-network', (j) => delete j.resource.azurerm_subnet_route_table_association, /production egress must go through the firewall/],
    ['a load-balancer egress on the production cluster', 'prod-platform', (j) => (first(j.resource.azurerm_kubernetes_cluster).network_profile.outbound_type = 'loadBalancer'), /outbound_type userDefinedRouting/],
    ['Network Contributor on the whole VNet', 'prod-platform', (j) => {
      const grant = Object.values<any>(j.resource.azurerm_role_assignment).find((r) => r.role_definition_name === 'Network Contributor');
      grant.scope = grant.scope.replace(/azurerm_subnet[^}]*id/, 'azurerm_virtual_networknetwork_vnet_0id');
    }, /Network Contributor on the whole VNet/],
    ['the blob CSI driver on', 'dev-platform', (j) => (first(j.resource.azurerm_kubernetes_cluster).storage_profile.blob_driver_enabled = true), /storage_profile\.blob_driver_enabled must be false/],
    ['the Defender for Containers plan removed', 'prod-platform', (j) => delete j.resource.azurerm_security_center_subscription_pricing, /no Defender for Containers plan/],
    ['the audit immutability policy unlocked', 'prod-data', (j) => (first(j.resource.azurerm_storage_container_immutability_policy).locked = false), /immutability policy must be locked/],
    // The WAF edge.
    ['the WAF only detecting', 'prod-edge', (j) => (first(j.resource.azurerm_cdn_frontdoor_firewall_policy).mode = 'Detection'), /production WAF runs in Detection mode/],
    ['the origin reached over the internet', 'prod-edge', (j) => delete first(j.resource.azurerm_cdn_frontdoor_origin).private_link, /over Private Link/],
    ['a domain left out of the WAF', 'prod-edge', (j) => (first(j.resource.azurerm_cdn_frontdoor_security_policy).security_policies.firewall.association.domain = []), /served without the WAF/],
  ];
  for (const [what, stack, mutate, expected] of mutations) {
    it(`denies the real ${stack} output with ${what}`, () => {
      const { status, failures } = conftest([mutated(stack, mutate)]);
      assert.notEqual(status, 0);
      assert.ok(failures.some((f) => expected.test(f)), failures.join('\n'));
    });
  }
});

describe('conftest: policies/rendered (production admission control)', () => {
  const files = ['dev', 'prod'].map((env) => join(RENDERED_DIR, env, 'gatekeeper-policies', 'manifests.yaml'));
  const run = (paths: string[]) => {
    const res = runTool('conftest', ['test', '--no-color', '--output', 'json', '--policy', 'policies/rendered', '--data', 'policies/terraform/data', ...paths]);
    return { status: res.status, failures: (JSON.parse(res.stdout) as { failures?: { msg: string }[] }[]).flatMap((r) => (r.failures ?? []).map((f) => f.msg)) };
  };
  const mutant = (edit: (text: string) => string) => {
    const out = join(mkdtempSync(join(tmpdir(), 'rendered-')), 'manifests.yaml');
    writeFileSync(out, edit(readFileSync(files[1], 'utf8')));
    return out;
  };

  it('the rendered constraints of every environment pass', () => {
    const { status, failures } = run(files);
    assert.deepEqual(failures, []);
    assert.equal(status, 0);
  });

  for (const [what, edit, expected] of [
    ['enforcement relaxed to warn', (t: string) => t.replaceAll('enforcementAction: deny', 'enforcementAction: warn'), /production constraints deny, got enforcementAction "warn"/],
    ['digests no longer required', (t: string) => t.replace('requireDigest: true', 'requireDigest: false'), /production requires image digests/],
    ['docker.io allowed', (t: string) => t.replace(/registries:\n(\s+)- /, 'registries:\n$1- docker.io\n$1- '), /not docker\.io/],
  ] as [string, (t: string) => string, RegExp][]) {
    it(`denies the rendered prod constraints with ${what}`, () => {
      const { status, failures } = run([mutant(edit)]);
      assert.notEqual(status, 0);
      assert.ok(failures.some((f) => expected.test(f)), failures.join('\n'));
    });
  }
});
