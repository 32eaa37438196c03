/**
 * The agent gateway's OpenAPI contract (contracts/agent-gateway.openapi.yaml): valid OpenAPI 3.1
 * by a real validator (@seriousme/openapi-schema-validator, the OpenAPI Initiative's JSON
 * schemas), loaded with located errors for the platform's extensions, and the source of the
 * rendered `api` HTTPRoute and its rate limits: one rule and one limit per operation, nothing else.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { AGENT_HEALTH, operationRuleName, pathMatch } from '../../catalog/agent-gateway';
import { PLATFORM_ROUTES } from '../../catalog/routes';
import { AGENT_GATEWAY_CONTRACT, loadServiceContract } from '../../config/gateway-contract';
import { ValidationError } from '../../config/yaml-validate';
import { ROOT } from '../helpers/tools';

const text = readFileSync(AGENT_GATEWAY_CONTRACT, 'utf8');

async function openApiErrors(doc: unknown): Promise<unknown[]> {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const validator = new Validator();
  const res = await validator.validate(doc as Parameters<typeof validator.validate>[0]);
  if (res.valid) return [];
  // Errors are a list for schema violations and a message for a $ref that resolves nowhere.
  return Array.isArray(res.errors) ? res.errors : [res.errors];
}

function loadText(name: string, body: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'contract-')), name);
  writeFileSync(file, body);
  return () => loadServiceContract(file);
}

describe('agent gateway contract', () => {
  it('is valid OpenAPI 3.1 with every $ref resolved', async () => {
    const doc = parse(text);
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(await openApiErrors(doc), []);
  });

  it('the validator can fail: a copy without info and with responses of the wrong shape; a dangling $ref', async () => {
    const doc = parse(text);
    delete doc.info;
    doc.paths['/api/v1/agents'].get.responses = 'none';
    assert.ok((await openApiErrors(doc)).length > 0);
    const dangling = parse(text);
    dangling.paths['/api/v1/agents'].get.responses['401'] = { $ref: '#/components/responses/Missing' };
    assert.deepEqual(await openApiErrors(dangling), ["Can't resolve #/components/responses/Missing"]);
  });

  it('has the tasks, agents and health operations the edge routes, health unauthenticated', () => {
    const ops = loadServiceContract().operations;
    assert.deepEqual(ops.map((o) => `${o.method} ${o.path}`).sort(), [
      'GET /api/v1/agents',
      'GET /api/v1/tasks',
      'GET /api/v1/tasks/{taskId}',
      `GET ${AGENT_HEALTH.live}`,
      `GET ${AGENT_HEALTH.ready}`,
      'POST /api/v1/tasks',
    ]);
    assert.deepEqual(ops.filter((o) => !o.authenticated).map((o) => o.path).sort(), [AGENT_HEALTH.live, AGENT_HEALTH.ready]);
    assert.equal(PLATFORM_ROUTES.api.healthPath, AGENT_HEALTH.ready);
  });

  it('reports every missing or invalid extension and security mistake at once, located', () => {
    const broken = text
      .replace(/(operationId: createTask[\s\S]*?)\n\s+x-platform-rate-limit: \{ requestsPerSecond: 50 \}/, '$1')
      .replace('x-platform-timeout: 15s', 'x-platform-timeout: soon')
      .replace(/(operationId: live[\s\S]*?)\n\s+security: \[\]/, '$1');
    assert.notEqual(broken, text);
    const load = loadText('broken.openapi.yaml', broken);
    assert.throws(load, (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      const lines = err.message.split('\n').filter((l) => !l.startsWith('    hint'));
      const line = (needle: string) => broken.split('\n').findIndex((l) => l.includes(needle)) + 1;
      assert.equal(lines.length, 3, err.message);
      assert.match(err.message, /broken\.openapi\.yaml:\d+:\d+ paths\.\/api\/v1\/tasks\.post\.x-platform-rate-limit: /);
      assert.match(err.message, new RegExp(`broken\\.openapi\\.yaml:${line('x-platform-timeout: soon')}:\\d+ paths\\./api/v1/tasks\\.get\\.x-platform-timeout: .*duration`));
      assert.match(err.message, /paths\.\/healthz\/live\.get\.security: the health check GET \/healthz\/live must not require a token/);
      return true;
    });
  });

  it('refuses an unauthenticated business operation and a missing health path', () => {
    const open = text.replace('operationId: listAgents', 'operationId: listAgents\n      security: []').replace('/healthz/ready:', '/healthz/readiness:');
    assert.throws(loadText('open.openapi.yaml', open), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /GET \/api\/v1\/agents is not a health check and must require an Entra ID token/);
      assert.match(err.message, /no GET operation for the health path \/healthz\/ready/);
      return true;
    });
  });

  it('path templates become anchored one-segment regular expressions', () => {
    assert.deepEqual(pathMatch('/api/v1/tasks'), { type: 'Exact', value: '/api/v1/tasks' });
    const re = pathMatch('/api/v1/tasks/{taskId}');
    assert.equal(re.type, 'RegularExpression');
    const rx = new RegExp(re.value);
    assert.ok(rx.test('/api/v1/tasks/0b7c'));
    assert.ok(!rx.test('/api/v1/tasks/'));
    assert.ok(!rx.test('/api/v1/tasks/a/b'));
    assert.ok(!rx.test('/x/api/v1/tasks/a'));
  });

  for (const env of ['dev', 'prod']) {
    it(`${env}: the rendered api route has exactly the contract's operations, timeouts and limits`, () => {
      const objects = parseAllDocuments(readFileSync(join(ROOT, 'rendered', env, 'edge', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'platform-api');
      const policy = objects.find((o) => o.kind === 'BackendTrafficPolicy' && o.metadata.name === 'platform-api');
      const ops = loadServiceContract().operations;
      const expected = ops.map((o) => ({ name: operationRuleName(o.operationId), method: o.method, path: pathMatch(o.path), timeout: o.timeout, limit: o.requestsPerSecond })).sort((a, b) => a.name.localeCompare(b.name));
      const rules = route.spec.rules
        .map((r: any) => ({ name: r.name, method: r.matches[0].method, path: r.matches[0].path, timeout: r.timeouts.request, matches: r.matches.length }))
        .sort((a: any, b: any) => a.name.localeCompare(b.name));
      assert.deepEqual(rules, expected.map(({ limit: _l, ...e }) => ({ ...e, matches: 1 })));
      const limits = policy.spec.rateLimit.local.rules
        .map((r: any) => ({ method: r.clientSelectors[0].methods[0].value, path: r.clientSelectors[0].path, limit: r.limit.requests, unit: r.limit.unit }))
        .sort((a: any, b: any) => `${a.path.value} ${a.method}`.localeCompare(`${b.path.value} ${b.method}`));
      assert.deepEqual(limits, expected.map((e) => ({ method: e.method, path: e.path, limit: e.limit, unit: 'Second' })).sort((a, b) => `${a.path.value} ${a.method}`.localeCompare(`${b.path.value} ${b.method}`)));
    });
  }
});
