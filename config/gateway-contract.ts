/**
 * Loads the agent gateway's OpenAPI document (contracts/agent-gateway.openapi.yaml) as the edge
 * sees it: every operation must carry its rate limit and timeout extensions, the health
 * operations must be the agent services' health paths and unauthenticated, and everything else
 * authenticated. Problems come back together as `file:line:col path: message`; the charts get
 * plain `ContractOperation`s. Whether the document is valid OpenAPI 3.1 as a whole is the
 * contract test's job (test/unit/gateway-contract.test.ts, with a real OpenAPI validator).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  AGENT_GATEWAY_CONTRACT_FILE,
  AGENT_HEALTH,
  CONTRACT_EXTENSIONS,
  HTTP_METHODS,
  operationRuleName,
  type ContractOperation,
  type HttpMethod,
  type ServiceContract,
} from '../catalog/agent-gateway';
import { displayPath, loadYamlFile, type Finding } from './yaml-validate';

export const AGENT_GATEWAY_CONTRACT = resolve(__dirname, '..', AGENT_GATEWAY_CONTRACT_FILE);

const duration = z.string().regex(/^[1-9][0-9]{0,4}(ms|s|m)$/, 'expected a Gateway API duration such as 30s or 500ms');

const operation = z.looseObject({
  operationId: z.string().regex(/^[a-z][a-zA-Z0-9]{0,40}$/, 'expected a camelCase operationId (it names the HTTPRoute rule)'),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  [CONTRACT_EXTENSIONS.rateLimit]: z.object({ requestsPerSecond: z.number().int().min(1).max(100000) }).strict(),
  [CONTRACT_EXTENSIONS.timeout]: duration,
});

const lower = HTTP_METHODS.map((m) => m.toLowerCase());
const pathItem = z.looseObject(Object.fromEntries(lower.map((m) => [m, operation.optional()])));

const document = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/, 'expected OpenAPI 3.1.x'),
  security: z.array(z.record(z.string(), z.array(z.string()))).min(1, 'the document must require authentication by default'),
  paths: z.record(z.string().regex(/^\/[A-Za-z0-9._~\-/{}]*$/, 'expected a path starting with /'), pathItem),
});

type Document = z.output<typeof document>;

function operationsOf(doc: Document): (ContractOperation & { at: (string | number)[] })[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    lower.flatMap((m) => {
      const op = (item as Record<string, z.output<typeof operation> | undefined>)[m];
      if (!op) return [];
      return [{
        operationId: op.operationId,
        method: m.toUpperCase() as HttpMethod,
        path,
        // Optional chaining: the security checks also run on a document whose extensions failed the schema.
        requestsPerSecond: op[CONTRACT_EXTENSIONS.rateLimit]?.requestsPerSecond,
        timeout: op[CONTRACT_EXTENSIONS.timeout],
        // An operation's `security: []` overrides the document's default requirement.
        authenticated: (op.security ?? doc.security).length > 0,
        at: ['paths', path, m],
      }];
    }),
  );
}

const HEALTH_PATHS: readonly string[] = [AGENT_HEALTH.live, AGENT_HEALTH.ready];

function healthChecks(doc: Document): Finding[] {
  const ops = operationsOf(doc);
  const findings: Finding[] = [];
  for (const path of HEALTH_PATHS) {
    if (!ops.some((o) => o.path === path && o.method === 'GET')) {
      findings.push({ path: ['paths'], message: `no GET operation for the health path ${path}`, hint: 'the Deployment probes and the edge probe call it (catalog/agent-gateway.ts AGENT_HEALTH)' });
    }
  }
  for (const o of ops) {
    const health = HEALTH_PATHS.includes(o.path);
    if (health && o.authenticated) findings.push({ path: [...o.at, 'security'], message: `the health check ${o.method} ${o.path} must not require a token`, hint: 'set security: [] on it' });
    if (!health && !o.authenticated) findings.push({ path: [...o.at, 'security'], message: `${o.method} ${o.path} is not a health check and must require an Entra ID token`, hint: 'remove security: [] (the document default applies)' });
  }
  return findings;
}

function uniqueRuleNames(doc: Document): Finding[] {
  const seen = new Map<string, string>();
  return operationsOf(doc).flatMap((o) => {
    const name = operationRuleName(o.operationId);
    const first = seen.get(name);
    seen.set(name, first ?? `${o.method} ${o.path}`);
    return first ? [{ path: [...o.at, 'operationId'], message: `operationId ${o.operationId} names the same route rule as ${first}`, hint: 'operationIds must be unique' }] : [];
  });
}

export function loadServiceContract(file = AGENT_GATEWAY_CONTRACT): ServiceContract {
  const doc = loadYamlFile(file, document, { refuseAliases: true, checks: [healthChecks, uniqueRuleNames] });
  return { file: displayPath(file), operations: operationsOf(doc).map(({ at: _at, ...o }) => o) };
}
