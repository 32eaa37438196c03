/**
 * The state of the machine beside every figure. The load average says how busy the cores are;
 * the file system needs a probe of its own: on this shared machine it slows down under the
 * churn of the benches themselves (a run creates and deletes thousands of files), so that the
 * same code measures seconds slower late in a sequence of runs than early in it
 * (docs/performance.md). The probe makes what a synth makes most, folders and files of a
 * stack's size, in the folder the benchmark works in.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

export const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');

export interface FileSystemLatency {
  /** Microseconds per `mkdir` of a new folder. */
  readonly mkdirUs: number;
  /** Microseconds per write of a new 20 kB file (a tenant stack's `cdk.tf.json` is about that). */
  readonly writeUs: number;
}

/** Times `count` folders and `count` files in a fresh folder under `dir`, then removes it. */
export function fileSystemLatency(dir: string, count = 200): FileSystemLatency {
  const probe = mkdtempSync(join(dir, 'fs-probe-'));
  try {
    const body = Buffer.alloc(20 * 1024, 'x');
    let t = performance.now();
    for (let i = 0; i < count; i++) mkdirSync(join(probe, `d${i}`));
    const mkdirUs = ((performance.now() - t) * 1000) / count;
    t = performance.now();
    for (let i = 0; i < count; i++) writeFileSync(join(probe, `d${i}`, 'f'), body);
    const writeUs = ((performance.now() - t) * 1000) / count;
    return { mkdirUs, writeUs };
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** `load 1.20, 1.50, 1.40; fs mkdir 35 µs, write 60 µs`, for a benchmark's progress and header lines. */
export function machineState(dir: string): string {
  const fs = fileSystemLatency(dir);
  return `load ${loadAverage()}; fs mkdir ${fs.mkdirUs.toFixed(0)} µs, write ${fs.writeUs.toFixed(0)} µs`;
}
