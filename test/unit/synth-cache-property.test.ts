/**
 * Property: after any sequence of edits, an incremental synth and render (unchanged stacks and
 * apps from the cache) write exactly what a full synth and render of the same tree write.
 *
 * 200 random edits (fixed seed) in a copy of the repository: tenants added, removed and changed,
 * environment values changed, a construct's or a stack's code changed (one edit makes a tenant
 * stack reference a new attribute of the network stack, so the producer gains an output while
 * its other consumers come from the cache), catalogue entries changed (the model catalogue and
 * its chargeback rates, the egress catalogue, a dashboard file only the render reads, the
 * workload config). After every edit a fresh process (the code may have changed) runs the
 * incremental synth and render from the chain's cache, then a full synth and render of the same
 * tree without the cache into a temporary folder, and compares them byte for byte. The cache
 * and the incremental output folder carry over from edit to edit, as on a developer's machine.
 * Two chains of 100 edits (fixed seeds 19 and 20), each in its own copy of the repository, run
 * side by side so that both cores work.
 *
 * Cost: a small fleet (the three example tenants plus a few generated ones, two environments,
 * about 20 stacks and 12 rendered apps), so one edit costs about 4 s of one core; it prints its
 * duration (docs/performance.md).
  */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SynthCache } from '../../cli/lib/cache/store';
import { cloneWorkingTree } from '../helpers/review-corpus';
import { seededRandom } from '../helpers/random';
import type { RoundResult } from '../helpers/incremental-round';

const EDITS = 200;

interface Toggle {
  readonly kind: 'code' | 'catalogue' | 'environment';
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

/** Each toggles between `from` and `to`; `from` must occur exactly once. */
const TOGGLES: Toggle[] = [
  // A consumer referencing one more attribute of its producer: the network stack gains a cross-stack output.
  {
    kind: 'code',
    file: 'stacks/tenant-stack.ts',
    from: "new TerraformOutput(this, 'key_vault_uri', { value: identity.vault.vault.vaultUri });",
    to: "new TerraformOutput(this, 'key_vault_uri', { value: identity.vault.vault.vaultUri });\n    new TerraformOutput(this, 'nodes_subnet_id', { value: net.subnets.nodes.id });",
  },
  { kind: 'code', file: 'constructs/tenant/labels.ts', from: "'app.kubernetes.io/part-of': 'ai-agent-platform',", to: "'app.kubernetes.io/part-of': 'ai-agent-platform-x',"},
  { kind: 'code', file: 'constructs/addons/release.ts', from: 'timeout: props.timeoutSeconds ?? 600,', to: 'timeout: props.timeoutSeconds ?? 900,' },
  { kind: 'code', file: 'stacks/network-stack.ts', from: "description: 'ID of the environment VNet'", to: "description: 'ID of the environment virtual network'" },
  { kind: 'code', file: 'charts/observability/slo.ts', from: "{ long: '1h', short: '5m', factor: 14.4, severity: 'P1' },", to: "{ long: '1h', short: '5m', factor: 14.5, severity: 'P1' }," },
  { kind: 'catalogue', file: 'catalog/egress.ts', from: "reason: 'Entra ID sign-in to Grafana and its group lookup for the admin role'", to: "reason: 'Entra ID sign-in to Grafana and its group lookup for the Grafana admin role'" },
  { kind: 'catalogue', file: 'config/models.yaml', from: 'source: meta-llama/Llama-3.1-8B-Instruct\n    parametersBillion: 8\n', to: 'source: meta-llama/Llama-3.1-8B-Instruct\n    parametersBillion: 9\n' },
  { kind: 'catalogue', file: 'config/models.yaml', from: 'chargeback: { inputPerMillionTokens: 0.90, outputPerMillionTokens: 1.80 }', to: 'chargeback: { inputPerMillionTokens: 0.95, outputPerMillionTokens: 1.80 }' },
  { kind: 'catalogue', file: 'charts/observability/dashboards/tenant.json', from: '"title": "CPU used vs quota"', to: '"title": "CPU used vs quota (cores)"' },
  { kind: 'catalogue', file: 'config/workloads.yaml', from: 'standIns: {}\n      replicas: { min: 1, max: 2 }', to: 'standIns: {}\n      replicas: { min: 1, max: 3 }' },
  { kind: 'environment', file: 'config/environments/dev.yaml', from: 'owner: platform-team', to: 'owner: platform-ops' },
  { kind: 'environment', file: 'config/environments/dev.yaml', from: 'backupRetentionDays: 7\n', to: 'backupRetentionDays: 14\n' },
  { kind: 'environment', file: 'config/environments/dev.yaml', from: 'minCount: 1\n      maxCount: 6', to: 'minCount: 1\n      maxCount: 5' },
  { kind: 'environment', file: 'config/environments/prod.yaml', from: 'retentionDays: 90\n', to: 'retentionDays: 120\n' },
];

const ENVS = [['dev'], ['prod'], ['dev', 'prod']];

function tenantYaml(name: string, o: { envs: string[]; pods: number; monthly: number; egress: string[]; retired: boolean }): string {
  return `apiVersion: platform.example.org/v1alpha1
kind: Tenant
metadata:
  name: ${name}
spec:
  displayName: Property tenant ${name}
  owners:
    entraGroupObjectId: 00000000-0000-4000-8000-${Buffer.from(name).toString('hex').slice(-12).padStart(12, '0')}
    contacts: [${name}@prop.example]
    reviewers: ["@prop/${name}"]
  costCenter: CC-${name.length}77
  environments: [${o.envs.join(', ')}]
  budget: { monthly: ${o.monthly}, currency: EUR, alertThresholds: [80, 90, 100] }
  quota: { cpu: "4", memory: 16Gi, gpu: 0, pods: ${o.pods}, storage: 50Gi }
  llm: { models: [llama-3-1-8b-instruct], tokensPerMinute: 10000, requestsPerMinute: 30, monthlyBudget: 100 }
  gitops: { repoURLs: ["https://github.com/prop/${name}"], path: k8s }
  network: { allowEgressTo: [${o.egress.map((e) => `"${e}"`).join(', ')}] }
${o.retired ? '  retired: true\n' : ''}`;
}


/** One incremental synth and render plus a full one, in a fresh process inside `repo`. */
function round(repo: string, cache: string, incOut: string, fullOut: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/incremental-round.ts', cache, incOut, fullOut], { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type TenantState = { envs: string[]; pods: number; monthly: number; egress: string[]; retired: boolean };

/**
 * One chain of edits in its own copy of the repository with its own cache; every edit is
 * followed by a comparison. Returns what the chain saw, for the non-vacuity checks.
 */
async function chain(repo: string, work: string, seed: number, count: number) {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[rand(xs.length)];
  const tenants = new Map<string, TenantState>();
  let next = 0;
  const addTenant = () => {
    const name = `prop-${seed}-${next++}`;
    tenants.set(name, { envs: pick(ENVS), pods: 40, monthly: 500, egress: [`api.${name}.example:443`], retired: false });
    writeFileSync(join(repo, 'tenants', `${name}.yaml`), tenantYaml(name, tenants.get(name)!));
    return `add ${name}`;
  };
  for (let i = 0; i < 4; i++) addTenant();
  // Which toggles are applied: tracked, not guessed from the text (a `to` may contain its `from`).
  const applied = new Set<Toggle>();
  const toggle = (t: Toggle) => {
    const path = join(repo, t.file);
    const text = readFileSync(path, 'utf8');
    const [a, b] = applied.has(t) ? [t.to, t.from] : [t.from, t.to];
    assert.equal(text.split(a).length, 2, `${t.file}: "${a.slice(0, 40)}" occurs once`);
    writeFileSync(path, text.replace(a, b));
    if (applied.has(t)) applied.delete(t);
    else applied.add(t);
    return `${t.kind} ${t.file}${applied.has(t) ? '' : ' (back)'}`;
  };
  const edits: Record<string, () => string> = {
    'tenant added': addTenant,
    'tenant removed': () => {
      if (tenants.size === 0) return addTenant();
      const name = pick([...tenants.keys()]);
      tenants.delete(name);
      rmSync(join(repo, 'tenants', `${name}.yaml`));
      return `remove ${name}`;
    },
    'tenant changed': () => {
      if (tenants.size === 0) return addTenant();
      const name = pick([...tenants.keys()]);
      const t = tenants.get(name)!;
      const what = pick(['pods', 'budget', 'egress', 'environments', 'retired']);
      if (what === 'pods') t.pods = pick([30, 40, 50, 60]);
      if (what === 'budget') t.monthly = pick([400, 500, 700]);
      if (what === 'egress') t.egress = t.egress.length > 1 ? t.egress.slice(0, 1) : [...t.egress, `203.0.113.${rand(200)}/32:5432`];
      if (what === 'environments') t.envs = pick(ENVS);
      if (what === 'retired') t.retired = !t.retired;
      writeFileSync(join(repo, 'tenants', `${name}.yaml`), tenantYaml(name, t));
      return `change ${name} ${what}`;
    },
    // The example tenants too (they route the 70B models that prod's router config needs): pods only.
    'example tenant changed': () => {
      const file = join(repo, 'tenants', 'acme-search.yaml');
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.includes('pods: 200') ? text.replace('pods: 200', 'pods: 150') : text.replace('pods: 150', 'pods: 200'));
      return 'change acme-search pods';
    },
    'environment value changed': () => toggle(pick(TOGGLES.filter((t) => t.kind === 'environment'))),
    "a construct's code changed": () => toggle(pick(TOGGLES.filter((t) => t.kind === 'code'))),
    'a catalogue entry changed': () => toggle(pick(TOGGLES.filter((t) => t.kind === 'catalogue'))),
  };
  const kinds = Object.keys(edits);
  const seen: Record<string, number> = {};
  const cache = join(work, 'cache');
  const incOut = join(work, 'incremental');
  const total = { edits: 0, reused: 0, built: 0, appsReused: 0, appsBuilt: 0 };
  for (let n = 0; n < count; n++) {
    // The first edits take each kind once, so that every kind is exercised whatever the seed.
    const kind = n < kinds.length ? kinds[n] : kinds[rand(kinds.length)];
    seen[kind] = (seen[kind] ?? 0) + 1;
    const edit = edits[kind]();
    const fullOut = join(work, `full-${n}`);
    const res = await round(repo, cache, incOut, fullOut);
    const label = `seed ${seed}, edit ${n} (${edit})`;
    assert.equal(res.status, 0, `${label}:\n${res.stderr}`);
    const r = JSON.parse(res.stdout) as RoundResult;
    assert.deepEqual(r.synthDiff, [], `${label}: cdktf.out differs from a full synth`);
    assert.deepEqual(r.renderDiff, [], `${label}: rendered/ differs from a full render`);
    assert.deepEqual(r.problems, [], `${label}: the cache reported problems`);
    assert.equal(r.reused + r.built, r.stacks, label);
    total.edits++;
    total.reused += r.reused;
    total.built += r.built;
    total.appsReused += r.appsReused;
    total.appsBuilt += r.appsBuilt;
    rmSync(fullOut, { recursive: true, force: true });
  }
  return { total, seen, kinds, cache };
}

/** Two chains of 100 edits each (seeds 19 and 20), side by side: 200 edits, each compared. */
const CHAINS = [19, 20];

describe('incremental synth and render (property, 200 random edits)', () => {
  const repos: string[] = [];
  let work: string;
  before(() => {
    for (let i = 0; i < CHAINS.length; i++) repos.push(cloneWorkingTree());
    work = mkdtempSync(join(tmpdir(), 'synth-cache-property-'));
    process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  });

  it('writes byte for byte what a full synth and render write, after every edit', async (t) => {
    const started = Date.now();
    const results = await Promise.all(
      CHAINS.map((seed, i) => {
        const dir = join(work, `chain-${seed}`);
        mkdirSync(dir);
        return chain(repos[i], dir, seed, EDITS / CHAINS.length);
      }),
    );
    const edits = results.reduce((n, r) => n + r.total.edits, 0);
    assert.equal(edits, EDITS);
    t.diagnostic(`${EDITS} edits, each compared: ${((Date.now() - started) / 1000).toFixed(0)} s; ${JSON.stringify(results.map((r) => ({ ...r.total, seen: r.seen })))}`);
    for (const r of results) {
      for (const kind of r.kinds) assert.ok((r.seen[kind] ?? 0) > 0, `${kind} was never drawn`);
      // Not a vacuous pass: the runs did take stacks and apps from the cache, and did rebuild some.
      assert.ok(r.total.reused > 0 && r.total.built > 0 && r.total.appsReused > 0 && r.total.appsBuilt > 0, JSON.stringify(r.total));
      assert.ok(existsSync(r.cache) && readdirSync(r.cache).length > 0);
    }
  });

  it('the comparison catches a cache that hands out a stale stack (negative control)', async () => {
    const repo = repos[0];
    const cache = join(work, 'cache-negative');
    const incOut = join(work, 'negative-out');
    const check = async () => {
      const res = await round(repo, cache, incOut, join(work, 'negative-full'));
      assert.equal(res.status, 0, res.stderr);
      rmSync(join(work, 'negative-full'), { recursive: true, force: true });
      return JSON.parse(res.stdout) as RoundResult;
    };
    assert.deepEqual((await check()).synthDiff, []);
    // A lying cache: the entry of one stack replaced by valid-looking content (correct hashes) of another output.
    const store = SynthCache.open(cache);
    const victim = readdirSync(cache).find((key) => {
      const file = join(cache, key, 'entry');
      return existsSync(file) && readFileSync(file, 'utf8').split('\n', 1)[0].includes('"kind":"stack","name":"dev-tenant-acme-search"');
    });
    assert.ok(victim, 'the stack entry of dev-tenant-acme-search');
    const parts = store.get(victim, 'stack', 'dev-tenant-acme-search')!;
    const json = parts.get('cdk.tf.json')!.toString('utf8');
    assert.ok(json.includes('"amount": 4000'), 'the budget amount is in the stack');
    store.remove(victim);
    store.put(victim, 'stack', 'dev-tenant-acme-search', { 'cdk.tf.json': json.replace('"amount": 4000', '"amount": 4001'), 'manifest-entry.json': parts.get('manifest-entry.json')! });
    const r = await check();
    assert.ok(r.reused > 0);
    assert.deepEqual(r.synthDiff, ['stacks/dev-tenant-acme-search/cdk.tf.json'], 'the byte comparison sees the stale stack');
  });
});
