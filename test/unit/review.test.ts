/** Plan review: the offline diff of two synth outputs, its renderers, and the command's bad input. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costDelta, loadPrices, stackCost } from '../../cli/lib/review/cost';
import { diffSynthOutputs, readSynthOutput } from '../../cli/lib/review/diff';
import { loadEnvironment } from '../../config/load';
import { blocking } from '../../cli/lib/review/model';
import { COMMENT_MARKER, renderJson, renderMarkdown, renderSarif } from '../../cli/lib/review/render';
import { summarizePlan } from '../../cli/lib/review/terraform-plan';
import { runCli } from '../helpers/cli';
import { synthApp } from '../helpers/synth';

const app = synthApp();
const base = readSynthOutput(app.outdir);

/** A copy of the real synth output with one stack edited. */
function headWith(stack: string, edit: (json: any) => void) {
  const dir = join(mkdtempSync(join(tmpdir(), 'head-')), 'out');
  cpSync(app.outdir, dir, { recursive: true });
  const file = join(dir, 'stacks', stack, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
  return readSynthOutput(dir);
}

const labels = { base: 'main', head: 'pr' };
const entries = (json: any, type: string) => Object.entries<any>(json.resource[type]);

describe('review: diff of synth outputs', () => {
  it('identical outputs: no changes, nothing blocking', () => {
    const review = diffSynthOutputs(base, base, labels);
    assert.equal(review.resources.length, 0);
    assert.ok(review.stacks.every((s) => s.status === 'unchanged'));
    assert.equal(blocking(review), false);
    assert.match(renderMarkdown(review), /no changes/);
  });

  it('an in-place change is an update with the attribute diff, listed in deploy order', () => {
    const head = headWith('prod-platform', (j) => (entries(j, 'azurerm_log_analytics_workspace')[0][1].retention_in_days = 180));
    const review = diffSynthOutputs(base, head, labels);
    const [change] = review.resources;
    assert.equal(change.action, 'update');
    assert.equal(change.path, 'prod-platform/log-analytics/workspace');
    assert.deepEqual(change.attributes.map((a) => [a.path, a.before, a.after]), [['retention_in_days', 90, 180]]);
    const order = review.stacks.map((s) => s.name);
    assert.ok(order.indexOf('prod-network') < order.indexOf('prod-platform'));
    assert.ok(order.indexOf('prod-platform') < order.indexOf('prod-tenant-acme-search'));
  });

  it('a change of a ForceNew attribute on a stateful resource is a blocking replace', () => {
    const head = headWith('prod-platform', (j) => (entries(j, 'azurerm_kubernetes_cluster')[0][1].dns_prefix = 'other'));
    const review = diffSynthOutputs(base, head, labels);
    assert.equal(review.resources[0].action, 'replace');
    const finding = review.findings.find((f) => f.rule === 'protected-destroy')!;
    assert.match(finding.message, /replaces stateful resource prod-platform\/aks\/cluster .* because dns_prefix changed/);
    assert.equal(blocking(review), true);
  });

  it('a renamed construct is called out with the moveFromId fix instead of a plain delete', () => {
    const head = headWith('prod-platform', (j) => {
      const [[id, vault]] = entries(j, 'azurerm_key_vault');
      delete j.resource.azurerm_key_vault[id];
      j.resource.azurerm_key_vault.secrets_vault_NEW = { ...vault, '//': { metadata: { path: 'prod-platform/secrets/vault', uniqueId: 'secrets_vault_NEW' } } };
    });
    const review = diffSynthOutputs(base, head, labels);
    const rename = review.findings.find((f) => f.rule === 'construct-rename')!;
    assert.match(rename.message, /prod-platform\/secrets\/vault looks like prod-platform\/key-vault\/vault renamed/);
    assert.match(rename.message, /\.moveFromId\("azurerm_key_vault\.key-vault_[0-9A-F]+"\)/);
    assert.ok(!review.findings.some((f) => f.rule === 'protected-destroy'), 'the rename finding replaces the destroy warning');
  });

  it('deleting a protected resource blocks; secrets are redacted', () => {
    const head = headWith('dev-platform', (j) => {
      delete j.resource.azurerm_container_registry;
      entries(j, 'azurerm_kubernetes_cluster')[0][1].client_secret_value = 'hunter2';
    });
    const review = diffSynthOutputs(base, head, labels);
    assert.ok(review.findings.some((f) => f.rule === 'protected-destroy' && /deletes stateful resource dev-platform\/container-registry\/registry/.test(f.message)));
    const secret = review.resources.flatMap((r) => r.attributes).find((a) => a.path === 'client_secret_value')!;
    assert.equal(secret.after, '(sensitive)');
    assert.equal(secret.before, undefined, 'an added secret reads (unset) -> (sensitive)');
    assert.ok(!renderMarkdown(review).includes('hunter2'));
    assert.ok(!renderJson(review).includes('hunter2'));
  });

  it('tenant section: what changes for the tenant in plain words', () => {
    const head = headWith('prod-tenant-acme-search', (j) => {
      entries(j, 'kubernetes_resource_quota_v1')[0][1].spec.hard['requests.nvidia.com/gpu'] = '4';
      entries(j, 'azurerm_consumption_budget_subscription')[0][1].amount = 6000;
    });
    const [tenant] = diffSynthOutputs(base, head, labels).tenants;
    assert.equal(tenant.tenant, 'acme-search');
    assert.equal(tenant.status, 'changed');
    assert.deepEqual(tenant.details, ['prod: monthly budget 4000 -> 6000', 'prod: quota requests.nvidia.com/gpu 2 -> 4']);
  });

  it('a removed stack is blocking and named', () => {
    const head = { manifest: { stacks: { ...base.manifest.stacks } }, stacks: { ...base.stacks } };
    delete head.manifest.stacks['dev-tenant-contoso-docs'];
    delete head.stacks['dev-tenant-contoso-docs'];
    const review = diffSynthOutputs(base, head, labels);
    assert.ok(review.findings.some((f) => f.rule === 'stack-removed' && f.stack === 'dev-tenant-contoso-docs'));
    assert.equal(review.tenants[0].status, 'removed');
  });
});

describe('review: cost estimate', () => {
  const prices = loadPrices();
  const month = (size: string) => prices.vmHourly[size] * prices.hoursPerMonth;

  it('prices node pools from their autoscaling range, spot at the spot factor, plus fixed services', () => {
    const env = loadEnvironment('dev');
    const pools = env.aks.nodePools;
    const cost = stackCost('dev-platform', base.stacks['dev-platform'], prices);
    const fixed = prices.monthly.aksStandardTier + prices.monthly.containerRegistryPremium + 2 * prices.monthly.privateEndpoint + prices.monthly.dnsZone;
    const gpu = month(pools.gpu.vmSize) * prices.spotFactor;
    const expectMin = fixed + month(pools.system.vmSize) * pools.system.minCount + month(pools.workload.vmSize) * pools.workload.minCount + gpu * pools.gpu.minCount;
    const expectMax = fixed + month(pools.system.vmSize) * pools.system.maxCount + month(pools.workload.vmSize) * pools.workload.maxCount + gpu * pools.gpu.maxCount;
    assert.ok(Math.abs(cost.min - expectMin) < 0.01, `${cost.min} vs ${expectMin}`);
    assert.ok(Math.abs(cost.max - expectMax) < 0.01, `${cost.max} vs ${expectMax}`);
    assert.deepEqual(cost.unpriced, []);
  });

  it('the delta shows only stacks whose estimate changes, dated', () => {
    const head = headWith('prod-platform', (j) => {
      const gpu = entries(j, 'azurerm_kubernetes_cluster_node_pool').find(([, p]) => p.name === 'gpu')![1];
      gpu.max_count += 1;
    });
    const delta = costDelta(base, head, prices);
    assert.equal(delta.asOf, prices.asOf);
    assert.deepEqual(delta.stacks.map((s) => s.stack), ['prod-platform']);
    const [s] = delta.stacks;
    assert.equal(s.head.min, s.base.min);
    assert.ok(Math.abs(s.head.max - s.base.max - month('Standard_NC96ads_A100_v4')) < 0.01);
    assert.match(renderMarkdown({ ...diffSynthOutputs(base, head, labels), cost: delta }), /Cost estimate \(monthly, list prices as of \d{4}-\d{2}-\d{2}; an estimate, not a quote\)/);
  });

  it('data services: PostgreSQL (doubled by its HA standby), its storage, and Redis', () => {
    const env = loadEnvironment('prod');
    const cost = stackCost('prod-data', base.stacks['prod-data'], prices);
    const pg = prices.postgresMonthly[env.data.postgres.skuName] * 2 + (env.data.postgres.storageMb / 1024) * prices.postgresStorageGbMonthly;
    const redis = prices.redisPremiumMonthly[`P${env.data.redis.capacity}`];
    const expected = pg + redis + 3 * prices.monthly.privateEndpoint;
    assert.ok(Math.abs(cost.min - expected) < 0.01, `${cost.min} vs ${expected}`);
    assert.deepEqual(cost.unpriced, []);
  });

  it('a VM size missing from the price table is named, not silently zero', () => {
    const head = headWith('dev-platform', (j) => (entries(j, 'azurerm_kubernetes_cluster_node_pool')[0][1].vm_size = 'Standard_X99'));
    assert.deepEqual(costDelta(base, head, prices).stacks[0].head.unpriced, ['Standard_X99']);
  });
});

describe('review: output', () => {
  const head = headWith('prod-platform', (j) => (entries(j, 'azurerm_kubernetes_cluster')[0][1].dns_prefix = 'other'));
  const review = diffSynthOutputs(base, head, labels);

  it('Markdown carries the update-in-place marker and collapsible stacks', () => {
    const md = renderMarkdown(review);
    assert.ok(md.startsWith(COMMENT_MARKER));
    assert.match(md, /<details><summary>prod-platform: 0 to add, 0 to change, 1 to replace, 0 to delete<\/summary>/);
    assert.match(md, /dns_prefix: "aip-prod" -> "other"  # forces replacement/);
  });

  it('Markdown stays under the limit by dropping detail first, never cutting a block', () => {
    const all = diffSynthOutputs({ manifest: { stacks: {} }, stacks: {} }, base, labels);
    const full = renderMarkdown(all);
    const small = renderMarkdown(all, 4000);
    assert.ok(full.length > 4000);
    assert.ok(small.length <= 4000, `${small.length}`);
    assert.match(small, /\| stack \(deploy order\) \|/, 'the summary survives');
    assert.equal((small.match(/<details>/g) ?? []).length, (small.match(/<\/details>/g) ?? []).length);
    assert.equal((small.match(/```/g) ?? []).length % 2, 0);
  });

  it('SARIF 2.1.0 with one result per finding', () => {
    const sarif = JSON.parse(renderSarif(review));
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results.length, review.findings.length);
    assert.equal(sarif.runs[0].results[0].ruleId, 'protected-destroy');
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'cdktf.out/stacks/prod-platform/cdk.tf.json');
  });
});

describe('platform review command', () => {
  it('a base ref that does not exist is said plainly, and fails the check', async () => {
    const { code, out } = await runCli(['review', '-q', '--base', 'no-such-branch-xyz']);
    assert.equal(code, 1);
    assert.match(out, /cannot review/);
    assert.match(out, /base ref "no-such-branch-xyz" does not exist in this clone; fetch it first/);
  });

  it('reviews the working tree against a real ref through a temporary worktree', async () => {
    const { code, out } = await runCli(['review', '-q', '--base', 'HEAD', '--format', 'json']);
    const review = JSON.parse(out);
    assert.match(review.base, /^HEAD \([0-9a-f]{12}\)$/);
    assert.ok(review.stacks.length >= 9, 'both sides were synthesized');
    assert.equal(code, review.blocking ? 1 : 0);
  });

  it('requires --base', async () => {
    assert.equal((await runCli(['review'])).code, 2);
  });
});

describe('review --plan: terraform show -json summaries', () => {
  it('keeps the full actions array, flags replacements, lists drift apart, drops no-ops', () => {
    const plan = {
      resource_changes: [
        { address: 'azurerm_key_vault.kv', change: { actions: ['no-op'] } },
        { address: 'azurerm_kubernetes_cluster.aks', change: { actions: ['update'] } },
        { address: 'azurerm_subnet.nodes', change: { actions: ['delete', 'create'] } },
        { address: 'azurerm_role_assignment.r', change: { actions: ['create', 'delete'] } },
        { address: 'data.azurerm_client_config.c', change: { actions: ['read'] } },
      ],
      resource_drift: [{ address: 'azurerm_dns_zone.z', change: { actions: ['update'] } }],
    };
    const s = summarizePlan('dev-network', plan);
    assert.deepEqual(s.changes, [
      { address: 'azurerm_kubernetes_cluster.aks', actions: ['update'], replace: false },
      { address: 'azurerm_subnet.nodes', actions: ['delete', 'create'], replace: true },
      { address: 'azurerm_role_assignment.r', actions: ['create', 'delete'], replace: true },
    ]);
    assert.deepEqual(s.drift, [{ address: 'azurerm_dns_zone.z', actions: ['update'], replace: false }]);
  });

  it('without workload-identity credentials --plan says what is missing and fails', async () => {
    const saved = { ...process.env };
    for (const v of ['ARM_CLIENT_ID', 'ARM_TENANT_ID', 'ARM_SUBSCRIPTION_ID']) delete process.env[v];
    try {
      const { code, out } = await runCli(['review', '-q', '--base', 'HEAD', '--plan']);
      if (code === 3) return; // no terraform on this machine: the missing tool is reported instead
      assert.equal(code, 1);
      assert.match(out, /--plan needs Azure workload-identity credentials; missing ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID/);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
