/**
 * Benchmark: the review's policy step (conftest, checkov, gator on what changed) for a one-tenant
 * change. The base is a synth output (`node cli/bin.js synth --out DIR`); the head is a copy in
 * which one tenant's quota and cost centre change in its dev and prod stacks, which is what that
 * change in tenants/<name>.yaml synthesizes to (2 changed stacks per side; the cost-centre label
 * is on every Kubernetes object of the tenant, so gator has objects to evaluate, which a quota
 * change alone does not give it). The rendered apps are the committed rendered/ on both sides.
 *
 *   node --import tsx bench/policy/run.ts SYNTH_OUT [runs] [tenant]     (defaults: 3 runs, the first tenant)
 *
 * Times each tool alone the way policy-delta and gator-delta call it, then the whole step as the
 * review runs it: without a checkov session (checkov starts when the step starts), and with a
 * session started before (what the review does at its start, so checkov's import overlaps
 * synthesis; here the overlap is a wait for the session to be ready: its start-to-ready row,
 * whose CPU is not counted in the step's). Wall and CPU seconds (user + system, this process
 * and its children); the machine is shared, so the load average is printed before and after.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RENDERED_DIR } from '../../cli/lib/render';
import { changedStacks, readSynthOutput } from '../../cli/lib/review/diff';
import { newViolations } from '../../cli/lib/review/gator-delta';
import { readRendered } from '../../cli/lib/review/gitops';
import { policyDelta } from '../../cli/lib/review/policy-delta';
import { callAsync, checkovCall, conftestCall, stackFiles } from '../../cli/lib/tools';
import { childrenCpuSeconds } from '../rss';
import { loadAverage } from '../machine';

const [base, runsArg, tenantArg] = process.argv.slice(2);
if (!base) throw new Error('usage: bench/policy/run.ts SYNTH_OUT [runs] [tenant]');
const runs = Number(runsArg ?? 3);
const tenant = tenantArg ?? readdirSync(join(base, 'stacks')).find((s) => s.startsWith('dev-tenant-'))!.slice('dev-tenant-'.length);

function doctoredHead(): string {
  const head = join(mkdtempSync(join(tmpdir(), 'bench-policy-')), 'out');
  cpSync(base, head, { recursive: true });
  for (const env of ['dev', 'prod']) {
    const file = join(head, 'stacks', `${env}-tenant-${tenant}`, 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8').replace(/"cost-center": "([^"]*)"/g, '"cost-center": "$1-1"'));
    for (const q of Object.values<any>(json.resource.kubernetes_resource_quota_v1)) q.spec.hard.pods = String(Number(q.spec.hard.pods) + 10);
    writeFileSync(file, JSON.stringify(json, null, 2));
  }
  return head;
}

/** user + system seconds of a running process (Linux: /proc/<pid>/stat utime and stime). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / 100;
}

async function timed(label: string, fn: () => Promise<unknown>): Promise<{ label: string; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const child0 = childrenCpuSeconds();
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(cpu0);
  return { label, wall, cpu: (self.user + self.system) / 1e6 + childrenCpuSeconds() - child0 };
}

async function main(): Promise<void> {
  const head = doctoredHead();
  try {
    const before = readSynthOutput(base);
    const after = readSynthOutput(head);
    const changed = changedStacks(before, after);
    const rendered = readRendered(RENDERED_DIR);
    console.log(`changed stacks: ${changed.join(', ')}; load average before: ${loadAverage()}`);
    const scanDir = mkdtempSync(join(tmpdir(), 'bench-checkov-'));
    for (const side of ['base', 'head'] as const) for (const s of changed) cpSync(join(side === 'base' ? base : head, 'stacks', s), join(scanDir, `${side}--${s}`), { recursive: true });
    const rows: Record<string, { wall: number[]; cpu: number[] }> = {};
    const record = (r: { label: string; wall: number; cpu: number }) => {
      rows[r.label] ??= { wall: [], cpu: [] };
      rows[r.label].wall.push(r.wall);
      rows[r.label].cpu.push(r.cpu);
    };
    for (let i = 0; i < runs; i++) {
      record(await timed('conftest, base and head (2 processes at once)', () => Promise.all([base, head].map((d) => callAsync(conftestCall(stackFiles(d, changed)))))));
      record(await timed('checkov CLI, both sides (1 process)', () => callAsync(checkovCall(['-d', scanDir]))));
      record(await timed('gator, both sides of every environment (gator-delta)', () => newViolations({ rendered, synth: before }, { rendered, synth: after }, changed)));
      record(await timed('policy step without a session (policyDelta + newViolations)', () => Promise.all([policyDelta(base, head, changed), newViolations({ rendered, synth: before }, { rendered, synth: after }, changed)])));
      // BENCH_SESSION=0: no session rows (to run this file against a tree without checkov-session.ts).
      if (process.env.BENCH_SESSION === '0') continue;
      const { startCheckov } = require('../../cli/lib/checkov-session') as typeof import('../../cli/lib/checkov-session');
      const session = startCheckov();
      try {
        const started = performance.now();
        await session.ready;
        const importCpu = cpuSeconds(session.pid!);
        record({ label: 'checkov session start to ready (overlaps synthesis in the review)', wall: (performance.now() - started) / 1000, cpu: importCpu });
        const step = await timed('policy step with a ready checkov session', () => Promise.all([policyDelta(base, head, changed, session), newViolations({ rendered, synth: before }, { rendered, synth: after }, changed)]));
        // The session's process is reaped inside the step: its import is not the step's.
        record({ ...step, cpu: step.cpu - importCpu });
      } finally {
        session.close();
      }
    }
    rmSync(scanDir, { recursive: true, force: true });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const [label, r] of Object.entries(rows)) console.log(`${label}: wall ${median(r.wall).toFixed(2)} s, CPU ${median(r.cpu).toFixed(2)} s (median of ${r.wall.length}; walls ${r.wall.map((w) => w.toFixed(2)).join(' ')})`);
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    rmSync(join(head, '..'), { recursive: true, force: true });
  }
}

void main();
