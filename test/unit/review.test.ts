/** Plan review: the offline diff of two synth outputs with the provider facts, its renderers, and the command's bad input. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costDelta, loadPrices, MAY_BE_UNPRICED_TYPES, mayBeUnpriced, stackCost } from '../../cli/lib/review/cost';
import { CHARGEBACK_CURRENCY } from '../../catalog/chargeback';
import { diffSynthOutputs, readSynthOutput, type SynthOutput } from '../../cli/lib/review/diff';
import { loadEnvironment } from '../../config/load';
import { blocking, type EnvironmentInfo, type Review } from '../../cli/lib/review/model';
import { COMMENT_MARKER, renderJson, renderMarkdown, renderSarif } from '../../cli/lib/review/render';
import { summarizePlan } from '../../cli/lib/review/terraform-plan';
import { runCli } from '../helpers/cli';
import { synthApp } from '../helpers/synth';

const app = synthApp();
const base = readSynthOutput(app.outdir);
const environments: EnvironmentInfo[] = [
  { name: 'prod', tier: 'production' },
  { name: 'dev', tier: 'non-production' },
];

/** A copy of the real synth output with one stack edited. */
function headWith(stack: string, edit: (json: any) => void, from: SynthOutput = base): SynthOutput {
  const dir = join(mkdtempSync(join(tmpdir(), 'head-')), 'out');
  cpSync(app.outdir, dir, { recursive: true });
  for (const [name, json] of Object.entries(from.stacks)) writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
  const file = join(dir, 'stacks', stack, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
  return readSynthOutput(dir);
}

const entries = (json: any, type: string) => Object.entries<any>(json.resource[type]);
const one = (json: any, type: string) => entries(json, type)[0][1];
const diff = (head: SynthOutput, from: SynthOutput = base) => diffSynthOutputs(from, head, environments);

/** A whole Review around a diff, as the command assembles it. */
function review(head: SynthOutput): Review {
  return { base: { ref: 'main', commit: 'a'.repeat(40) }, head: { commit: 'b'.repeat(40), dirty: false }, environments, risks: [], skipped: [], ...diff(head) };
}

describe('review: diff of synth outputs with the provider facts', () => {
  it('identical outputs: no changes, nothing blocking', () => {
    const r = review(base);
    assert.equal(r.resources.length, 0);
    assert.ok(r.stacks.every((s) => s.status === 'unchanged'));
    assert.equal(blocking(r), false);
    assert.match(renderMarkdown(r), /no changes/);
  });

  it('an in-place change is an update with the attribute diff, listed in deploy order', () => {
    const r = diff(headWith('prod-platform', (j) => (one(j, 'azurerm_log_analytics_workspace').retention_in_days = 180)));
    const [change] = r.resources;
    assert.equal(change.action, 'update');
    assert.equal(change.path, 'prod-platform/log-analytics/workspace');
    assert.deepEqual(change.attributes.map((a) => [a.path, a.before, a.after, a.effect]), [['retention_in_days', 90, 180, 'in-place']]);
    const order = r.stacks.map((s) => s.name);
    assert.ok(order.indexOf('prod-network') < order.indexOf('prod-platform'));
    assert.ok(order.indexOf('prod-platform') < order.indexOf('prod-tenant-acme-search'));
  });

  it('a ForceNew attribute (from the provider schema) on a stateful resource is a blocking replace', () => {
    const r = diff(headWith('prod-platform', (j) => (one(j, 'azurerm_kubernetes_cluster').dns_prefix = 'other')));
    assert.equal(r.resources[0].action, 'replace');
    const finding = r.findings.find((f) => f.rule === 'protected-destroy')!;
    assert.match(finding.message, /replaces stateful resource prod-platform\/aks\/cluster .* because dns_prefix forces replacement/);
    assert.equal(blocking({ ...r, risks: [] }), true);
  });

  it('conditional ForceNew: a PostgreSQL version downgrade replaces, an upgrade does not', () => {
    const down = diff(headWith('prod-data', (j) => (one(j, 'azurerm_postgresql_flexible_server').version = '15')));
    assert.equal(down.resources[0].action, 'replace');
    assert.match(down.resources[0].attributes[0].reason!, /version "16" -> "15" forces replacement \(internal\/services\/postgres\/postgresql_flexible_server_resource\.go:\d+\)/);
    const from15 = headWith('prod-data', (j) => (one(j, 'azurerm_postgresql_flexible_server').version = '15'));
    const up = diff(base, from15);
    assert.equal(up.resources[0].action, 'update');
    assert.ok(!up.findings.some((f) => f.rule === 'protected-destroy'));
  });

  it('a guarded attribute is reported as failing to apply (Key Vault soft-delete retention)', () => {
    const r = diff(headWith('prod-platform', (j) => (one(j, 'azurerm_key_vault').soft_delete_retention_days = 30)));
    const f = r.findings.find((x) => x.rule === 'will-fail-to-apply')!;
    assert.match(f.message, /soft_delete_retention_days 90 -> 30 will fail to apply: the provider refuses it/);
    assert.equal(f.level, 'error');
  });

  it('a node-pool SKU change is a rotation, and fails without a temporary name', () => {
    const gpu = (j: any) => entries(j, 'azurerm_kubernetes_cluster_node_pool').find(([, p]) => p.name === 'gpu')![1];
    const rotated = diff(headWith('prod-platform', (j) => (gpu(j).vm_size = 'Standard_NC80adis_H100_v5')));
    assert.equal(rotated.resources[0].action, 'rotate');
    assert.ok(rotated.findings.some((f) => f.rule === 'pool-rotation' && /temporary pool/.test(f.message)));
    const broken = diff(
      headWith('prod-platform', (j) => {
        gpu(j).vm_size = 'Standard_NC80adis_H100_v5';
        delete gpu(j).temporary_name_for_rotation;
      }),
    );
    assert.ok(broken.findings.some((f) => f.rule === 'will-fail-to-apply' && /needs a node-pool rotation and temporary_name_for_rotation is not set/.test(f.message)));
  });

  it('an attribute the facts do not know, on a stateful resource, "may replace": blocking in production only', () => {
    const prod = diff(headWith('prod-data', (j) => (one(j, 'azurerm_redis_cache').no_such_attribute = 'x')));
    const f = prod.findings.find((x) => x.rule === 'may-replace')!;
    assert.equal(f.level, 'error');
    assert.match(f.message, /confirm with `npx platform review --plan`/);
    const dev = diff(headWith('dev-data', (j) => (one(j, 'azurerm_redis_cache').no_such_attribute = 'x')));
    assert.equal(dev.findings.find((x) => x.rule === 'may-replace')!.level, 'warning');
  });

  it('meta-arguments (lifecycle, depends_on) change nothing the provider sees', () => {
    const r = diff(headWith('prod-data', (j) => (one(j, 'azurerm_redis_cache').depends_on = ['x.y'])));
    assert.deepEqual(r.resources[0].attributes.map((a) => a.effect), ['in-place']);
    assert.ok(!r.findings.length);
  });

  it('a renamed construct is called out with the moveFromId fix instead of a plain delete', () => {
    const r = diff(
      headWith('prod-platform', (j) => {
        const [[id, vault]] = entries(j, 'azurerm_key_vault');
        delete j.resource.azurerm_key_vault[id];
        j.resource.azurerm_key_vault.secrets_vault_NEW = { ...vault, '//': { metadata: { path: 'prod-platform/secrets/vault', uniqueId: 'secrets_vault_NEW' } } };
      }),
    );
    const rename = r.findings.find((f) => f.rule === 'construct-rename')!;
    assert.match(rename.message, /prod-platform\/secrets\/vault looks like prod-platform\/key-vault\/vault renamed/);
    assert.match(rename.message, /\.moveFromId\("azurerm_key_vault\.key-vault_[0-9A-F]+"\)/);
    assert.ok(!r.findings.some((f) => f.rule === 'protected-destroy'), 'the rename finding replaces the destroy warning');
  });

  it('deleting a protected resource blocks; secrets (by name and by the provider schema) are redacted', () => {
    const r = review(
      headWith('dev-platform', (j) => {
        delete j.resource.azurerm_container_registry;
        one(j, 'azurerm_kubernetes_cluster').client_secret_value = 'hunter2';
      }),
    );
    assert.ok(r.findings.some((f) => f.rule === 'protected-destroy' && /deletes stateful resource dev-platform\/container-registry\/registry/.test(f.message)));
    const secret = r.resources.flatMap((x) => x.attributes).find((a) => a.path === 'client_secret_value')!;
    assert.equal(secret.after, '(sensitive)');
    assert.equal(secret.before, undefined, 'an added secret reads (unset) -> (sensitive)');
    assert.ok(!renderMarkdown(r).includes('hunter2'));
    assert.ok(!renderJson(r).includes('hunter2'));
    // `value` does not look like a secret by name; the provider schema marks it sensitive.
    const kv = diff(headWith('prod-data', (j) => (one(j, 'azurerm_key_vault_secret').value = 'p4ss-w0rd')));
    const value = kv.resources[0].attributes.find((a) => a.path === 'value')!;
    assert.deepEqual([value.sensitive, value.after], [true, '(sensitive)']);
  });

  it('tenant section: what changes for the tenant in plain words', () => {
    const [tenant] = diff(
      headWith('prod-tenant-acme-search', (j) => {
        one(j, 'kubernetes_resource_quota_v1').spec.hard['requests.nvidia.com/gpu'] = '4';
        one(j, 'azurerm_consumption_budget_subscription').amount = 6000;
      }),
    ).tenants;
    assert.equal(tenant.tenant, 'acme-search');
    assert.equal(tenant.status, 'changed');
    assert.deepEqual(tenant.details, ['prod: monthly budget 4000 -> 6000', 'prod: quota requests.nvidia.com/gpu 2 -> 4']);
  });

  it('a tenant stack removed while it still has resources blocks, with the retirement path', () => {
    const head = { manifest: { stacks: { ...base.manifest.stacks } }, stacks: { ...base.stacks } };
    delete head.manifest.stacks['dev-tenant-contoso-docs'];
    delete head.stacks['dev-tenant-contoso-docs'];
    const r = diff(head);
    const f = r.findings.find((x) => x.rule === 'stack-removed' && x.stack === 'dev-tenant-contoso-docs')!;
    assert.equal(f.level, 'error');
    assert.match(f.message, /set `retired: true` in it, merge and deploy/);
    assert.equal(r.tenants[0].status, 'removed');
  });
});

describe('review: cost estimate', () => {
  const prices = loadPrices();
  const month = (size: string) => prices.vmHourly[size] * prices.hoursPerMonth;

  it('the price table is in the chargeback currency, so estimates and LLM spend add up', () => {
    assert.equal(prices.currency, CHARGEBACK_CURRENCY);
  });

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

  it('a headline per environment with old, new, difference and percentage', () => {
    const head = headWith('prod-platform', (j) => {
      const gpu = entries(j, 'azurerm_kubernetes_cluster_node_pool').find(([, p]) => p.name === 'gpu')![1];
      gpu.max_count += 1;
    });
    const delta = costDelta(base, head, prices);
    assert.equal(delta.asOf, prices.asOf);
    const [prod] = delta.environments;
    assert.equal(prod.env, 'prod');
    assert.ok(Math.abs(prod.difference - month('Standard_NC96ads_A100_v4')) < 0.01);
    assert.ok(Math.abs(prod.percent! - (prod.difference / prod.base.max) * 100) < 0.01);
    assert.equal(prod.head.min, prod.base.min);
    assert.match(renderMarkdown({ ...review(head), cost: delta }), /\| \*\*prod\*\* \| .* \| \+[\d,]+ EUR \| \+[\d.]+% \| - \|/);
  });

  it('an unpriced SKU is "not estimated", never priced at 0 (no phantom saving)', () => {
    const head = headWith('prod-platform', (j) => (entries(j, 'azurerm_kubernetes_cluster_node_pool').find(([, p]) => p.name === 'gpu')![1].vm_size = 'Standard_X99'));
    const delta = costDelta(base, head, prices);
    const prod = delta.environments.find((e) => e.env === 'prod')!;
    assert.deepEqual(prod.notEstimated, ['prod-platform']);
    assert.equal(prod.difference, 0, 'the stack is left out of both sides');
    assert.deepEqual(delta.stacks.find((s) => s.stack === 'prod-platform')!.head.unpriced, ['Standard_X99']);
    assert.match(renderMarkdown({ ...review(head), cost: delta }), /Not estimated \(the price table has no price for\): prod-platform \(Standard_X99\)/);
  });

  it('data services: PostgreSQL (doubled by its HA standby), its storage, and both Redis caches', () => {
    const env = loadEnvironment('prod');
    const cost = stackCost('prod-data', base.stacks['prod-data'], prices);
    const pg = prices.postgresMonthly[env.data.postgres.skuName] * 2 + (env.data.postgres.storageMb / 1024) * prices.postgresStorageGbMonthly;
    const redis = prices.redisPremiumMonthly[`P${env.data.redis.capacity}`];
    // Two caches of the same size (the platform's, n8n's queue: ADR 0007), each behind its own private endpoint.
    const expected = pg + 2 * redis + 4 * prices.monthly.privateEndpoint;
    assert.ok(Math.abs(cost.min - expected) < 0.01, `${cost.min} vs ${expected}`);
    assert.deepEqual(cost.unpriced, []);
  });

  it('stacks byte-identical on both sides are priced only for a total that is shown: the same result as pricing every stack', () => {
    for (const edit of [(j: any) => (entries(j, 'azurerm_kubernetes_cluster_node_pool').find(([, p]) => p.name === 'gpu')![1].max_count += 1), (j: any) => (entries(j, 'azurerm_kubernetes_cluster_node_pool').find(([, p]) => p.name === 'gpu')![1].vm_size = 'Standard_X99'), () => undefined]) {
      const dir = join(mkdtempSync(join(tmpdir(), 'same-bytes-')), 'out');
      cpSync(app.outdir, dir, { recursive: true });
      const file = join(dir, 'stacks', 'prod-platform', 'cdk.tf.json');
      const json = JSON.parse(readFileSync(file, 'utf8'));
      edit(json);
      writeFileSync(file, JSON.stringify(json, null, 2));
      const head = readSynthOutput(dir);
      const parsedOnly = (o: SynthOutput): SynthOutput => ({ manifest: o.manifest, stacks: o.stacks });
      assert.deepEqual(costDelta(base, head, prices), costDelta(parsedOnly(base), parsedOnly(head), prices));
      // The edited stack on both sides: byte-identical, and unpriced in one case.
      assert.deepEqual(costDelta(head, head, prices), costDelta(parsedOnly(head), parsedOnly(head), prices));
    }
  });

  it('a stack\'s possibly unpriced resource types read from its text agree with its parsed resources, for every stack', () => {
    let seen = 0;
    for (const [name, raw] of base.raw!) {
      const parsed = MAY_BE_UNPRICED_TYPES.some((t) => base.stacks[name].resource?.[t]);
      assert.equal(mayBeUnpriced(raw, () => base.stacks[name]), parsed, name);
      // Compact text (another layout) is parsed instead of scanned.
      assert.equal(mayBeUnpriced(Buffer.from(JSON.stringify(base.stacks[name])), () => base.stacks[name]), parsed, name);
      if (parsed) seen++;
    }
    assert.ok(seen > 0, 'some stack has a node pool');
    // Negative control: a tenant stack names the cluster as a data source, which the scan must not count.
    assert.ok(base.raw!.get('prod-tenant-acme-search')!.includes('"azurerm_kubernetes_cluster"'));
    assert.equal(mayBeUnpriced(base.raw!.get('prod-tenant-acme-search')!, () => base.stacks['prod-tenant-acme-search']), false);
  });

  it('only the types listed as possibly unpriced can leave a stack unestimated (what lets an identical stack go unparsed)', () => {
    const read = new Set<string>();
    const resource = new Proxy({}, { get: (_t, type: string) => (read.add(type), undefined) });
    stackCost('probe', { resource }, prices);
    const nonsense = { vm_size: 'X', sku_name: 'X', sku_tier: 'X', family: 'X', capacity: 0, default_node_pool: { vm_size: 'X' } };
    for (const type of read) {
      const cost = stackCost('probe', { resource: { [type]: { r: nonsense } } }, prices);
      // Negative control included: each listed type does report an unknown SKU.
      assert.equal(cost.unpriced.length > 0, MAY_BE_UNPRICED_TYPES.includes(type), `${type}: unpriced ${JSON.stringify(cost.unpriced)}`);
    }
    assert.ok(MAY_BE_UNPRICED_TYPES.every((t) => read.has(t)), 'every listed type is one the estimate reads');
  });

  it('tenant budget changes are listed', () => {
    const head = headWith('prod-tenant-acme-search', (j) => (one(j, 'azurerm_consumption_budget_subscription').amount = 6000));
    assert.deepEqual(costDelta(base, head, prices).budgets, [{ tenant: 'acme-search', env: 'prod', before: 4000, after: 6000 }]);
  });
});

describe('review: output', () => {
  const replaced = review(headWith('prod-platform', (j) => (one(j, 'azurerm_kubernetes_cluster').dns_prefix = 'other')));

  it('Markdown: the replacement stands in the loud section at the top, the attribute in the details', () => {
    const md = renderMarkdown(replaced);
    assert.ok(md.startsWith(COMMENT_MARKER));
    const loud = md.indexOf('### 🔥 Resource deletion and replacement will happen');
    assert.ok(loud > 0 && loud < md.indexOf('### Stacks'));
    assert.match(md, /\*\*prod\*\*: 1 replaced, 0 deleted/);
    assert.match(md, /- \*\*replace\*\* `prod-platform\/aks\/cluster` \(azurerm_kubernetes_cluster\) \*\*stateful\*\*: dns_prefix forces replacement/);
    assert.match(md, /dns_prefix: "aip-prod" -> "other"  # replace/);
    assert.match(md, /head `bbbbbbbbbbbb`/);
  });

  it('Markdown stays under the limit by dropping detail first, keeping every replacement and closing every block', () => {
    const everything = review(base);
    const all = { ...everything, ...diffSynthOutputs({ manifest: { stacks: {} }, stacks: {} }, base, environments) };
    const withReplace = { ...all, resources: [...all.resources, ...replaced.resources] };
    const full = renderMarkdown(withReplace);
    // Below what even the least detailed level of this everything-added review needs, so the cut runs too.
    const limit = 4000;
    const small = renderMarkdown(withReplace, limit);
    assert.ok(full.length > limit);
    assert.ok(small.length <= limit, `${small.length}`);
    assert.match(small, /prod-platform\/aks\/cluster/, 'the replacement survives');
    assert.equal((small.match(/<details>/g) ?? []).length, (small.match(/<\/details>/g) ?? []).length);
    assert.equal((small.match(/^\s*```/gm) ?? []).length % 2, 0);
  });

  it('SARIF 2.1.0 with one result per finding and risk', () => {
    const sarif = JSON.parse(renderSarif(replaced));
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results.length, replaced.findings.length + replaced.risks.length);
    assert.equal(sarif.runs[0].results[0].ruleId, 'protected-destroy');
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'cdktf.out/stacks/prod-platform/cdk.tf.json');
  });
});

describe('platform review command', () => {
  it('a base ref that does not exist: "cannot review" with its own exit code, and a one-line reason on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const { code, out, err } = await runCli(['review', '-q', '--no-policy', '--base', 'no-such-branch-xyz', '--report-dir', dir]);
    assert.equal(code, 4);
    assert.match(out, /cannot review/);
    assert.match(out, /base ref "no-such-branch-xyz" does not exist in this clone; fetch it first/);
    assert.equal(err.trim().split('\n').length, 1);
    for (const f of ['review.md', 'review.json', 'review.sarif']) assert.ok(readFileSync(join(dir, f), 'utf8').length > 0, f);
    assert.equal(JSON.parse(readFileSync(join(dir, 'review.json'), 'utf8')).exitCode, 4);
  });

  it('reviews the working tree against a real ref through a temporary worktree', async () => {
    const { code, out } = await runCli(['review', '-q', '--no-policy', '--base', 'HEAD', '--format', 'json']);
    const r = JSON.parse(out);
    assert.equal(r.base.ref, 'HEAD');
    assert.match(r.base.commit, /^[0-9a-f]{40}$/);
    assert.match(r.head.commit, /^[0-9a-f]{40}$/);
    assert.ok(r.stacks.length >= 9, 'both sides were synthesized');
    assert.ok(r.skipped.some((s: string) => /--no-policy/.test(s)), 'the skipped policy step is said');
    assert.equal(code, r.blocking ? 1 : 0);
  });

  it('requires --base, and says so in the report too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    assert.equal((await runCli(['review', '--report-dir', dir])).code, 2);
    assert.match(readFileSync(join(dir, 'review.md'), 'utf8'), /--base is required/);
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

  it('without workload-identity credentials --plan says what is missing before any work', async () => {
    const saved = { ...process.env };
    for (const v of ['ARM_CLIENT_ID', 'ARM_TENANT_ID', 'ARM_SUBSCRIPTION_ID']) delete process.env[v];
    try {
      const { code, out } = await runCli(['review', '-q', '--no-policy', '--base', 'HEAD', '--plan']);
      if (code === 3) return assert.match(out, /terraform is not installed/);
      assert.equal(code, 4);
      assert.match(out, /--plan needs Azure workload-identity credentials; missing ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID/);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
