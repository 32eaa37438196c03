/**
 * The n8n workflows the platform ships (workflows/n8n/*.json), loaded and checked before anything
 * is rendered: strict JSON, the shape `n8n import:workflow` needs, and what the platform adds to
 * it. Every problem of every file is reported at once as `file:line:col path: message` with a hint;
 * one bad file means no workflow is rendered.
 *
 * Checked besides the JSON syntax:
 * - a node's credential must be one of catalog/n8n-credentials.ts (id, type and name);
 * - connections name existing nodes, node names are unique, ids are unique across files;
 * - `settings.errorWorkflow` names a shipped workflow (the dead-letter path, docs/n8n.md);
 * - `$env.X` reads only the variables of catalog/n8n.ts N8N_WORKFLOW_ENV (no secret is in the env);
 * - a node that calls out (HTTP, e-mail) retries (`retryOnFail`, `maxTries`, `waitBetweenTries`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { N8N_CREDENTIALS, type N8nCredential } from '../catalog/n8n-credentials';
import { N8N_WORKFLOW_ENV } from '../catalog/n8n';
import { jsonSyntaxError, lineColumn } from './json-locate';
import { displayPath, validateYamlText, ValidationError, type Finding, type Problem } from './yaml-validate';

export const N8N_WORKFLOWS_DIR = resolve(__dirname, '../workflows/n8n');
const MAX_BYTES = 512 * 1024;

/** Node types that reach outside n8n and so must retry (docs/n8n.md#retries-and-the-dead-letter-path). */
export const OUTBOUND_NODE_TYPES = ['n8n-nodes-base.httpRequest', 'n8n-nodes-base.emailSend'] as const;
/** n8n's own retry ceiling (the editor offers 1-5 tries) and the platform's minimum spacing. */
const MAX_TRIES = 5;
const MIN_WAIT_MS = 1000;

const workflowId = z.string().regex(/^[A-Za-z0-9]{1,36}$/, 'expected a stable id of letters and digits (n8n stores up to 36 characters)');

const credentialRef = z.object({ id: z.string().min(1), name: z.string().min(1) }).strict();

const node = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    type: z.string().regex(/^[@a-z0-9-]+(\/[a-z0-9-]+)?\.[A-Za-z0-9]+$/, 'expected a node type such as n8n-nodes-base.httpRequest'),
    typeVersion: z.number().positive(),
    position: z.tuple([z.number(), z.number()]),
    parameters: z.record(z.string(), z.unknown()),
    credentials: z.record(z.string(), credentialRef).optional(),
    webhookId: z.string().optional(),
    retryOnFail: z.boolean().optional(),
    maxTries: z.number().int().optional(),
    waitBetweenTries: z.number().int().optional(),
    disabled: z.boolean().optional(),
    notes: z.string().optional(),
  })
  .strict();

const connection = z.object({ node: z.string(), type: z.string(), index: z.number().int().min(0) }).strict();

export const workflowSchema = z
  .object({
    id: workflowId,
    name: z.string().min(1).max(128),
    active: z.boolean(),
    nodes: z.array(node).min(1),
    connections: z.record(z.string(), z.record(z.string(), z.array(z.array(connection).nullable()))),
    settings: z
      .object({
        executionOrder: z.literal('v1'),
        errorWorkflow: workflowId.optional(),
        saveDataErrorExecution: z.enum(['all', 'none']).optional(),
        saveDataSuccessExecution: z.enum(['all', 'none']).optional(),
        saveManualExecutions: z.boolean().optional(),
        executionTimeout: z.number().int().optional(),
      })
      .strict(),
    pinData: z.record(z.string(), z.unknown()).optional(),
    tags: z.array(z.unknown()).optional(),
  })
  .strict();

export type N8nWorkflow = z.output<typeof workflowSchema>;

export interface LoadedWorkflow {
  /** File name inside the folder (the ConfigMap key). */
  readonly file: string;
  /** The file's text as committed: what n8n imports. */
  readonly text: string;
  readonly workflow: N8nWorkflow;
}

/** `$env.NAME`, `$env['NAME']`, `$env["NAME"]` in expressions. */
const ENV_READ = /\$env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\])/g;

function strings(v: unknown, path: (string | number)[], out: { path: (string | number)[]; value: string }[]): void {
  if (typeof v === 'string') out.push({ path, value: v });
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) strings(x, [...path, k], out);
}

/** The checks of one workflow, given every workflow id shipped beside it. */
export function workflowChecks(knownIds: ReadonlySet<string>, credentials: readonly N8nCredential[] = N8N_CREDENTIALS) {
  const byId = new Map(credentials.map((c) => [c.id, c]));
  const catalogue = credentials.map((c) => `${c.type} "${c.name}" (id ${c.id})`).join('; ');
  return (wf: N8nWorkflow): Finding[] => {
    const out: Finding[] = [];
    const names = new Map<string, number>();
    wf.nodes.forEach((n, i) => {
      const at = (...p: (string | number)[]) => ['nodes', i, ...p];
      if (names.has(n.name)) out.push({ path: at('name'), message: `node name "${n.name}" is used twice (also nodes.${names.get(n.name)})`, hint: 'connections refer to nodes by name: give each node its own' });
      else names.set(n.name, i);

      for (const [type, ref] of Object.entries(n.credentials ?? {})) {
        const known = byId.get(ref.id);
        if (!known) {
          out.push({ path: at('credentials', type), message: `node "${n.name}" references unknown credential ${type} "${ref.name}" (id ${ref.id})`, hint: `use a credential of catalog/n8n-credentials.ts: ${catalogue}` });
        } else if (known.type !== type) {
          out.push({ path: at('credentials', type), message: `credential ${ref.id} is of type ${known.type}, not ${type}`, hint: `reference it as "${known.type}": { "id": "${known.id}", "name": "${known.name}" }` });
        } else if (known.name !== ref.name) {
          out.push({ path: at('credentials', type, 'name'), message: `credential ${ref.id} is named "${known.name}", not "${ref.name}"`, hint: 'names are what the import shows; keep them as catalogued' });
        }
      }

      if ((OUTBOUND_NODE_TYPES as readonly string[]).includes(n.type) && !n.disabled) {
        if (n.retryOnFail !== true) out.push({ path: at('retryOnFail'), message: `node "${n.name}" calls out but does not retry`, hint: `set "retryOnFail": true, "maxTries": 3, "waitBetweenTries": 5000 (docs/n8n.md)` });
        else {
          if (n.maxTries === undefined || n.maxTries < 2 || n.maxTries > MAX_TRIES) out.push({ path: at('maxTries'), message: `node "${n.name}" needs maxTries between 2 and ${MAX_TRIES}`, hint: 'n8n retries at most 5 times; 3 is the platform default' });
          if (n.waitBetweenTries === undefined || n.waitBetweenTries < MIN_WAIT_MS) out.push({ path: at('waitBetweenTries'), message: `node "${n.name}" needs waitBetweenTries of at least ${MIN_WAIT_MS} ms`, hint: 'back off between tries: 5000 is the platform default' });
        }
      }

      const found: { path: (string | number)[]; value: string }[] = [];
      strings(n.parameters, at('parameters'), found);
      for (const s of found) {
        for (const m of s.value.matchAll(ENV_READ)) {
          const name = m[1] ?? m[2];
          if (!(name in N8N_WORKFLOW_ENV)) out.push({ path: s.path, message: `node "${n.name}" reads $env.${name}, which the platform does not set`, hint: `workflows may read: ${Object.keys(N8N_WORKFLOW_ENV).join(', ')} (catalog/n8n.ts)` });
        }
      }
    });

    for (const [from, outputs] of Object.entries(wf.connections)) {
      if (!names.has(from)) out.push({ path: ['connections', from], message: `connection from unknown node "${from}"`, hint: `nodes: ${[...names.keys()].join(', ')}` });
      for (const [kind, slots] of Object.entries(outputs)) {
        slots.forEach((targets, slot) =>
          (targets ?? []).forEach((t, k) => {
            if (!names.has(t.node)) out.push({ path: ['connections', from, kind, slot, k, 'node'], message: `connection to unknown node "${t.node}"`, hint: `nodes: ${[...names.keys()].join(', ')}` });
          }),
        );
      }
    }

    const err = wf.settings.errorWorkflow;
    if (err !== undefined && !knownIds.has(err)) out.push({ path: ['settings', 'errorWorkflow'], message: `error workflow ${err} is not shipped`, hint: `shipped workflows: ${[...knownIds].sort().join(', ')}` });
    if (err === wf.id) out.push({ path: ['settings', 'errorWorkflow'], message: 'a workflow cannot be its own error workflow', hint: 'point it at the dead-letter workflow' });
    return out;
  };
}

/**
 * Loads every *.json of `dir` (sorted by name). Throws one ValidationError with the problems of
 * all files; returns nothing partial.
 */
export function loadN8nWorkflows(dir = N8N_WORKFLOWS_DIR, credentials: readonly N8nCredential[] = N8N_CREDENTIALS): LoadedWorkflow[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new ValidationError([{ file: displayPath(dir), line: 0, column: 0, path: '', message: `cannot read the workflow folder (${(err as NodeJS.ErrnoException).code ?? String(err)})` }]);
  }
  const problems: Problem[] = [];
  const texts: { file: string; shown: string; text: string; raw: Record<string, unknown> }[] = [];
  for (const file of names) {
    const path = join(dir, file);
    const shown = displayPath(path);
    const size = statSync(path).size;
    if (size > MAX_BYTES) {
      problems.push({ file: shown, line: 1, column: 1, path: '', message: `file is ${size} bytes; the limit is ${MAX_BYTES}`, hint: 'split the workflow' });
      continue;
    }
    const text = readFileSync(path, 'utf8');
    const syntax = jsonSyntaxError(text);
    if (syntax) {
      problems.push({ file: shown, ...lineColumn(text, syntax.offset), path: '', message: `not valid JSON: ${syntax.message}`, hint: 'n8n imports strict JSON: double-quoted names and strings, no comments, no trailing commas' });
      continue;
    }
    const raw = JSON.parse(text) as unknown;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ file: shown, line: 1, column: 1, path: '', message: 'expected one workflow (a JSON object) per file', hint: 'import:workflow --separate reads one workflow per file' });
      continue;
    }
    texts.push({ file, shown, text, raw: raw as Record<string, unknown> });
  }

  // Ids first, so each file's error workflow can be checked against all of them.
  const ids = new Map<string, string>();
  for (const t of texts) {
    const id = t.raw.id;
    if (typeof id !== 'string') continue;
    if (ids.has(id)) {
      const { line, column } = positionIn(t.text, ['id']);
      problems.push({ file: t.shown, line, column, path: 'id', message: `workflow id ${id} is also used by ${ids.get(id)}`, hint: 'ids must be unique: the import replaces the workflow with the same id' });
    } else ids.set(id, t.file);
  }

  const loaded: LoadedWorkflow[] = [];
  const webhooks = new Map<string, string>();
  for (const t of texts) {
    try {
      const workflow = validateYamlText(t.shown, t.text, workflowSchema, { checks: [workflowChecks(new Set(ids.keys()), credentials)] });
      loaded.push({ file: t.file, text: t.text, workflow });
      workflow.nodes.forEach((n, i) => {
        const p = n.parameters.path;
        if (n.type !== 'n8n-nodes-base.webhook' || typeof p !== 'string') return;
        const key = `${String(n.parameters.httpMethod ?? 'GET')} ${p}`;
        if (webhooks.has(key)) problems.push({ file: t.shown, ...positionIn(t.text, ['nodes', i, 'parameters', 'path']), path: `nodes.${i}.parameters.path`, message: `webhook ${key} is also served by ${webhooks.get(key)}`, hint: 'n8n refuses to activate two production webhooks on one method and path' });
        else webhooks.set(key, t.file);
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return loaded;
}

/** Line and column of the value at `path` in valid JSON text (JSON is YAML, so the YAML parser locates it). */
function positionIn(text: string, path: (string | number)[]): { line: number; column: number } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
  return { line, column: col };
}
