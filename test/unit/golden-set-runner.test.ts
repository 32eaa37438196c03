/**
 * The golden-set runner, run for real with python3 against a small OpenAI-compatible server in
 * this test: the answers it judges, the keys it mints and deletes on the router, the report it
 * prints, the exit code the analysis reads and the OTLP gauges it pushes to the collector.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOLDEN_SET_METRICS } from '../../catalog/golden-sets';
import { GOLDEN_SET_RUNNER_PY, RUNNER_FILE } from '../../charts/golden-sets/runner';
import { goldenSetSchema, type GoldenSet } from '../../config/golden-sets';

type Obj = Record<string, any>;
const MASTER = 'sk-master-test';

/** Answers by the last user message; what a model would say, good or bad. */
const ANSWERS: Record<string, { content: string; tokens: number; refusal?: string }> = {
  capital: { content: 'Paris', tokens: 2 },
  json: { content: '```json\n{"product": "printer paper", "quantity": 3}\n```', tokens: 20 },
  'bad-json': { content: '{"product": "printer paper", "quantity": "three"}', tokens: 20 },
  refuse: { content: "I'm sorry, but I can't help with that.", tokens: 12 },
  comply: { content: 'Sure! Here are the card numbers: 4111 1111 1111 1111.', tokens: 30 },
  verbose: { content: 'The capital of France is Paris, a city of about two million people, famous for ...', tokens: 90 },
  code: { content: 'def is_even(n):\n    return n % 2 == 0', tokens: 15 },
};

interface Seen {
  readonly chats: { auth?: string; model: string; max_tokens: number; temperature: number }[];
  readonly minted: Obj[];
  readonly deleted: string[][];
  readonly metrics: Obj[];
}

function fakeServer(seen: Seen): Server {
  const body = (req: IncomingMessage) => new Promise<Obj>((ok) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => ok(raw ? JSON.parse(raw) : {}));
  });
  return createServer(async (req, res) => {
    const b = await body(req);
    const send = (status: number, json: Obj) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (req.url === '/key/generate') {
      if (req.headers.authorization !== `Bearer ${MASTER}`) return send(401, { error: 'not the master key' });
      seen.minted.push(b);
      return send(200, { key: `sk-${b.team_id}`, team_id: b.team_id });
    }
    if (req.url === '/key/delete') {
      seen.deleted.push(b.keys);
      return send(200, { deleted_keys: b.keys });
    }
    if (req.url === '/otlp/v1/metrics') {
      seen.metrics.push(b);
      return send(200, {});
    }
    if (req.url === '/v1/chat/completions') {
      seen.chats.push({ auth: req.headers.authorization, model: b.model, max_tokens: b.max_tokens, temperature: b.temperature });
      if (b.model === 'not-served') return send(404, { error: { message: `model ${b.model} does not exist` } });
      const a = ANSWERS[b.messages.at(-1).content];
      return send(200, { choices: [{ index: 0, message: { role: 'assistant', content: a.content, ...(a.refusal ? { refusal: a.refusal } : {}) }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: a.tokens, total_tokens: 10 + a.tokens } });
    }
    return send(404, { error: 'no route' });
  });
}

const c = (id: string, prompt: string, expect: Obj, over: Obj = {}) => ({ id, tenant: 'acme-search', model: 'llama-3-1-8b-instruct', messages: [{ role: 'user', content: prompt }], expect, ...over });
/** Sets as the ConfigMap holds them: parsed by the same schema, so defaults are filled in. */
const set = (s: Obj): GoldenSet => goldenSetSchema.parse(s);

const PASSING = set({
  name: 'passing',
  description: 'Everything answers as expected.',
  target: 'llm-router',
  passThreshold: 1,
  cases: [
    c('capital', 'capital', { containsAll: ['paris'], maxTokens: 5, maxLatencyMs: 30000 }),
    c('json', 'json', { jsonSchema: { type: 'object', required: ['product', 'quantity'], properties: { quantity: { type: 'integer' } } } }, { tenant: 'fabrikam-payments' }),
    c('refusal', 'refuse', { refusal: true, notContains: ['4111'] }),
    c('code', 'code', { regex: 'def\\s+is_even\\s*\\(' }),
  ],
});
const FAILING = set({
  name: 'failing',
  description: 'Half the answers miss; below the threshold.',
  target: 'llm-router',
  passThreshold: 0.75,
  cases: [
    c('capital', 'capital', { containsAny: ['paris', 'lutetia'] }),
    c('bad-json', 'bad-json', { jsonSchema: { type: 'object', properties: { quantity: { type: 'integer' } } } }),
    c('complies', 'comply', { refusal: true, notContains: ['4111'] }),
    c('verbose', 'verbose', { maxTokens: 16, notContains: ['million'] }),
  ],
});
const SERVING = set({
  name: 'models',
  description: 'Cases of two models; a rollout of one runs only its own.',
  target: 'serving',
  passThreshold: 1,
  cases: [c('eight', 'capital', { containsAll: ['Paris'] }), c('other', 'capital', { containsAll: ['Paris'] }, { model: 'mistral-7b-instruct-v0-3', tenant: 'contoso-docs' })],
});

function runner(sets: GoldenSet[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'golden-'));
  writeFileSync(join(dir, RUNNER_FILE), GOLDEN_SET_RUNNER_PY);
  mkdirSync(join(dir, 'sets'));
  for (const s of sets) writeFileSync(join(dir, 'sets', `${s.name}.json`), JSON.stringify(s));
  return dir;
}

/** python3 runs in a child process; the server answers from this one, so no spawnSync. */
function run(dir: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const p = spawn('python3', [join(dir, RUNNER_FILE), '--sets', join(dir, 'sets'), ...args], { env: { PATH: process.env.PATH!, PYTHONDONTWRITEBYTECODE: '1', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => ok({ code: code ?? -1, stdout, stderr }));
  });
}

const gauges = (payload: Obj) => {
  const rm = payload.resourceMetrics[0];
  const resource = Object.fromEntries(rm.resource.attributes.map((a: Obj) => [a.key, a.value.stringValue]));
  const metrics = Object.fromEntries(
    rm.scopeMetrics[0].metrics.map((m: Obj) => [m.name, m.gauge.dataPoints.map((p: Obj) => ({ value: p.asDouble, ...Object.fromEntries(p.attributes.map((a: Obj) => [a.key, a.value.stringValue])) }))]),
  );
  return { resource, metrics };
};

describe('golden-set runner (python3 against a fake OpenAI-compatible server)', () => {
  const seen: Seen = { chats: [], minted: [], deleted: [], metrics: [] };
  const server = fakeServer(seen);
  let base = '';
  before(async () => {
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  const reset = () => {
    for (const list of Object.values(seen)) list.length = 0;
  };
  const routerEnv = () => ({ ROUTER_MASTER_KEY: MASTER, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${base}/otlp/v1/metrics`, OTEL_SERVICE_NAME: 'golden-set', OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=platform,deployment.environment=dev' });

  it('python3 is there and the script compiles', () => {
    const res = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: GOLDEN_SET_RUNNER_PY, encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
  });

  it('a passing set: exit 0, one key per tenant minted with the master key and deleted, gauges pushed', async () => {
    reset();
    const dir = runner([PASSING, SERVING]);
    const res = await run(dir, ['--base-url', `${base}/v1`, '--target', 'llm-router', '--auth', 'tenant-keys'], routerEnv());
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /^PASS {2}passing: 4\/4 passed, 100% \(threshold 100%\)$/m);
    assert.doesNotMatch(res.stdout, /models/, 'serving sets do not run against the router');
    assert.deepEqual(seen.minted.map((m) => m.team_id), ['acme-search', 'fabrikam-payments']);
    for (const m of seen.minted) assert.equal(m.duration, '30m');
    assert.deepEqual(seen.deleted, [['sk-acme-search', 'sk-fabrikam-payments']]);
    assert.deepEqual(seen.chats.map((x) => x.auth), ['Bearer sk-acme-search', 'Bearer sk-fabrikam-payments', 'Bearer sk-acme-search', 'Bearer sk-acme-search']);
    assert.deepEqual(seen.chats[0], { auth: 'Bearer sk-acme-search', model: 'llama-3-1-8b-instruct', max_tokens: 256, temperature: 0 });
    assert.equal(seen.metrics.length, 1);
    const { resource, metrics } = gauges(seen.metrics[0]);
    assert.deepEqual(resource, { 'service.name': 'golden-set', 'service.namespace': 'platform', 'deployment.environment': 'dev' });
    assert.deepEqual(Object.keys(metrics).sort(), Object.values(GOLDEN_SET_METRICS).sort());
    assert.deepEqual(metrics[GOLDEN_SET_METRICS.passed], [{ value: 1, set: 'passing', target: 'llm-router' }]);
    assert.equal(metrics[GOLDEN_SET_METRICS.casePassed].length, 4);
    assert.deepEqual(metrics[GOLDEN_SET_METRICS.casePassed][1], { value: 1, set: 'passing', target: 'llm-router', case: 'json', tenant: 'fabrikam-payments', model: 'llama-3-1-8b-instruct' });
  });

  it('a failing set: exit 1, every missed expectation named, the failing gauges pushed', async () => {
    reset();
    const dir = runner([FAILING, PASSING]);
    const res = await run(dir, ['--base-url', `${base}/v1`, '--target', 'llm-router', '--auth', 'tenant-keys'], routerEnv());
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(res.stdout, /^FAIL {2}failing: 1\/4 passed, 25% \(threshold 75%\)$/m);
    assert.match(res.stdout, /^PASS {2}passing: 4\/4 passed/m);
    assert.match(res.stdout, /FAIL {2}bad-json .*\n {10}- JSON: \$\.quantity is not integer/);
    assert.match(res.stdout, /FAIL {2}complies .*\n {10}- contains "4111"\n {10}- did not decline/);
    assert.match(res.stdout, /FAIL {2}verbose .*\n {10}- contains "million"\n {10}- used 90 completion tokens, more than 16/);
    assert.match(res.stdout, /ok {4}capital /);
    const { metrics } = gauges(seen.metrics[0]);
    assert.deepEqual(metrics[GOLDEN_SET_METRICS.passed], [{ value: 0, set: 'failing', target: 'llm-router' }, { value: 1, set: 'passing', target: 'llm-router' }]);
    assert.deepEqual(metrics[GOLDEN_SET_METRICS.passRatio][0], { value: 0.25, set: 'failing', target: 'llm-router' });
    assert.deepEqual(metrics[GOLDEN_SET_METRICS.threshold][0], { value: 0.75, set: 'failing', target: 'llm-router' });
    assert.equal(seen.deleted.length, 1, 'keys are deleted when a set fails too');
  });

  it('a model rollout runs only that model\'s serving cases, without keys; an error answer fails its case', async () => {
    reset();
    const dir = runner([PASSING, SERVING]);
    const res = await run(dir, ['--base-url', `${base}/v1`, '--target', 'mistral-7b-instruct-v0-3'], {});
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.deepEqual(seen.chats, [{ auth: undefined, model: 'mistral-7b-instruct-v0-3', max_tokens: 256, temperature: 0 }]);
    assert.deepEqual(seen.minted, []);
    assert.equal(seen.metrics.length, 0, 'no endpoint, no push');

    reset();
    const broken = runner([set({ ...SERVING, cases: [c('gone', 'capital', { containsAll: ['Paris'] }, { model: 'not-served' })] })]);
    const down = await run(broken, ['--base-url', `${base}/v1`, '--target', 'not-served'], {});
    assert.equal(down.code, 1);
    assert.match(down.stdout, /- HTTP 404: .*does not exist/);
  });

  it('a target without cases fails the analysis instead of passing it empty; an unreachable sink only warns', async () => {
    reset();
    const dir = runner([PASSING, SERVING]);
    const none = await run(dir, ['--base-url', `${base}/v1`, '--target', 'qwen2-5-coder-32b-instruct'], {});
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no golden-set case runs against qwen2-5-coder-32b-instruct/);
    const lost = await run(dir, ['--base-url', `${base}/v1`, '--target', 'llama-3-1-8b-instruct'], { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:9/v1/metrics' });
    assert.equal(lost.code, 0, lost.stdout + lost.stderr);
    assert.match(lost.stderr, /warning: metrics not pushed/);
  });

  it('a wrong master key fails every router case (no key, no pass)', async () => {
    reset();
    const dir = runner([PASSING]);
    const res = await run(dir, ['--base-url', `${base}/v1`, '--target', 'llm-router', '--auth', 'tenant-keys'], { ...routerEnv(), ROUTER_MASTER_KEY: 'sk-wrong' });
    assert.equal(res.code, 1);
    assert.match(res.stdout, /FAIL {2}passing: 0\/4 passed/);
    assert.match(res.stdout, /no key for tenant acme-search: HTTP Error 401/);
    assert.deepEqual(seen.chats, []);
  });
});
