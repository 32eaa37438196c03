#!/usr/bin/env node
// The vulnerability gate of the service image pipeline: reads a Trivy JSON report and fails
// when a finding not on the allow-list reaches the environment's CVSS threshold
// (scan-policy.json). Allow-list entries must say why and expire; an expired, malformed or
// overlong entry fails the gate, located as file:line:col. A report the gate cannot read fails
// too: a gate that cannot decide never passes. No dependencies: service repositories run it
// with the Node.js their runner has.
//
//   node scan-gate.mjs --report scan.json --env dev --policy scan-policy.json [--allow file] [--image ref] [--today YYYY-MM-DD]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** JSON.parse that also returns where every value starts: path "entries.0.expires" -> [line, col]. */
export function parseWithPositions(text) {
  const where = new Map();
  let i = 0;
  const pos = (at) => {
    const before = text.slice(0, at).split('\n');
    return [before.length, before[before.length - 1].length + 1];
  };
  const ws = () => { while (/\s/.test(text[i] ?? '')) i++; };
  const fail = (what) => { const [l, c] = pos(i); throw Object.assign(new Error(what), { line: l, column: c }); };
  const value = (path) => {
    ws();
    where.set(path.join('.'), pos(i));
    const ch = text[i];
    if (ch === '{') {
      i++; const out = {}; ws();
      if (text[i] === '}') { i++; return out; }
      for (;;) {
        ws(); if (text[i] !== '"') fail('expected a property name in double quotes');
        const key = string(); ws();
        if (text[i] !== ':') fail('expected ":"');
        i++; out[key] = value([...path, key]); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return out; }
        fail('expected "," or "}"');
      }
    }
    if (ch === '[') {
      i++; const out = []; ws();
      if (text[i] === ']') { i++; return out; }
      for (;;) {
        out.push(value([...path, out.length])); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return out; }
        fail('expected "," or "]"');
      }
    }
    if (ch === '"') return string();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) fail('expected a value');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const string = () => {
    const m = /^"(?:[^"\\\n]|\\.)*"/.exec(text.slice(i));
    if (!m) fail('unterminated string');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const root = value([]);
  ws();
  if (i < text.length) fail('unexpected text after the end');
  return { value: root, where };
}

/** Trivy reports scores per source; the worst counts. Without one, the severity's lower bound. */
const SEVERITY_FLOOR = { CRITICAL: 9.0, HIGH: 7.0, MEDIUM: 4.0, LOW: 0.1 };
export function scoreOf(v) {
  const scores = Object.values(v.CVSS ?? {}).map((s) => s?.V3Score).filter((s) => typeof s === 'number');
  if (scores.length) return Math.max(...scores);
  return SEVERITY_FLOOR[v.Severity] ?? 10; // UNKNOWN: cannot be ranked, so it blocks until someone looks
}

const DAY = 86_400_000;

/** Allow-list problems, each with its path; entries usable today by id. */
export function checkAllowList(list, today, maxDays) {
  const problems = [];
  const allowed = new Map();
  if (!list || typeof list !== 'object' || !Array.isArray(list.entries)) return { problems: [{ path: '', message: 'expected {"entries": [...]}' }], allowed };
  list.entries.forEach((e, n) => {
    const at = (k) => `entries.${n}${k ? `.${k}` : ''}`;
    if (!e || typeof e !== 'object') return problems.push({ path: at(), message: 'expected an object with id, expires and reason' });
    for (const k of Object.keys(e)) if (!['id', 'expires', 'reason', 'images'].includes(k)) problems.push({ path: at(k), message: `unknown key "${k}" (id, expires, reason, images)` });
    if (typeof e.id !== 'string' || !/^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3})$/.test(e.id)) problems.push({ path: at('id'), message: `expected a CVE or GHSA id, got ${JSON.stringify(e.id)}` });
    if (typeof e.reason !== 'string' || e.reason.trim().length < 20) problems.push({ path: at('reason'), message: 'say why the finding does not apply or is accepted (20 characters at least)' });
    const expires = typeof e.expires === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(e.expires) ? Date.parse(`${e.expires}T00:00:00Z`) : NaN;
    if (Number.isNaN(expires)) problems.push({ path: at('expires'), message: `expected a date such as 2027-01-31, got ${JSON.stringify(e.expires)}` });
    else if (expires <= today) problems.push({ path: at('expires'), message: `expired on ${e.expires}: fix the finding or renew the entry with a new reason` });
    else if (expires - today > maxDays * DAY) problems.push({ path: at('expires'), message: `${e.expires} is more than ${maxDays} days ahead: accepted risks are reviewed at least that often` });
    if (e.images !== undefined && !(Array.isArray(e.images) && e.images.every((x) => typeof x === 'string'))) problems.push({ path: at('images'), message: 'expected a list of repositories, e.g. ["agents/gateway"]' });
    if (typeof e.id === 'string') allowed.set(e.id, e);
  });
  return { problems, allowed };
}

/** Findings that block `image` in `env`, and those the allow-list lets through. */
export function gate(report, { threshold, allowed, image }) {
  if (!report || typeof report !== 'object' || !Array.isArray(report.Results)) throw new Error('not a Trivy JSON report (no "Results" list): the scan did not produce one');
  const blocking = [];
  const accepted = [];
  for (const r of report.Results) {
    for (const v of r.Vulnerabilities ?? []) {
      const score = scoreOf(v);
      if (score < threshold) continue;
      const entry = allowed.get(v.VulnerabilityID);
      const applies = entry && (!entry.images || entry.images.some((repo) => image?.includes(`/${repo}@`) || image?.includes(`/${repo}:`)));
      (applies ? accepted : blocking).push({ id: v.VulnerabilityID, pkg: `${v.PkgName}@${v.InstalledVersion}`, score, fixed: v.FixedVersion ?? '', target: r.Target });
    }
  }
  return { blocking, accepted };
}

function main() {
  const { values } = parseArgs({ options: { report: { type: 'string' }, env: { type: 'string' }, policy: { type: 'string' }, allow: { type: 'string' }, image: { type: 'string' }, today: { type: 'string' } } });
  for (const k of ['report', 'env', 'policy']) if (!values[k]) { console.error(`scan-gate: --${k} is required`); return 2; }
  const policy = JSON.parse(readFileSync(values.policy, 'utf8'));
  const threshold = policy.thresholds?.[values.env];
  if (typeof threshold !== 'number') { console.error(`scan-gate: ${values.policy} has no threshold for environment "${values.env}" (${Object.keys(policy.thresholds ?? {}).join(', ')})`); return 1; }
  const today = values.today ? Date.parse(`${values.today}T00:00:00Z`) : Date.now();

  let allowed = new Map();
  if (values.allow) {
    const text = readFileSync(values.allow, 'utf8');
    let parsed;
    try {
      parsed = parseWithPositions(text);
    } catch (err) {
      console.log(`${values.allow}:${err.line ?? 1}:${err.column ?? 1} ${err.message}`);
      return 1;
    }
    const checked = checkAllowList(parsed.value, today, policy.maxAllowDays ?? 90);
    if (checked.problems.length) {
      for (const p of checked.problems) {
        const [line, col] = parsed.where.get(p.path) ?? parsed.where.get(p.path.split('.').slice(0, 2).join('.')) ?? [1, 1];
        console.log(`${values.allow}:${line}:${col} ${p.path || '(file)'}: ${p.message}`);
      }
      console.error(`scan-gate: ${checked.problems.length} allow-list problem(s); the gate fails until they are fixed`);
      return 1;
    }
    allowed = checked.allowed;
  }

  let report;
  try {
    report = JSON.parse(readFileSync(values.report, 'utf8'));
  } catch (err) {
    console.error(`scan-gate: cannot read ${values.report} (${err.message}): the scan did not finish, so nothing is known`);
    return 1;
  }
  let result;
  try {
    result = gate(report, { threshold, allowed, image: values.image });
  } catch (err) {
    console.error(`scan-gate: ${values.report}: ${err.message}`);
    return 1;
  }
  for (const f of result.accepted) console.log(`allowed  ${f.id} ${f.score.toFixed(1)} ${f.pkg} (until ${allowed.get(f.id).expires}: ${allowed.get(f.id).reason})`);
  for (const f of result.blocking) console.log(`BLOCKING ${f.id} ${f.score.toFixed(1)} ${f.pkg}${f.fixed ? ` fixed in ${f.fixed}` : ''} (${f.target})`);
  console.error(`scan-gate: ${values.env} threshold CVSS ${threshold}: ${result.blocking.length} blocking, ${result.accepted.length} allowed`);
  return result.blocking.length ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
