/** Peak resident memory of this process plus all its descendants, sampled from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function treeRssKb(pid: number): number {
  return rssKb(pid) + children(pid).reduce((sum, c) => sum + treeRssKb(c), 0);
}

/**
 * Starts sampling; `stop()` returns the peak in MB. Without `pid`: this process and its
 * descendants (at least this process's own max RSS); with one: that process and its descendants
 * (a command the benchmark started, without the benchmark itself).
 */
export function sampleTreeRss(intervalMs = 50, pid?: number): { stop(): number } {
  let peak = 0;
  const root = pid ?? process.pid;
  const timer = setInterval(() => (peak = Math.max(peak, treeRssKb(root))), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRssKb(root), pid === undefined ? process.resourceUsage().maxRSS : 0) / 1024;
    },
  };
}

/**
 * CPU seconds (user + system) of this process's children that have exited and been waited for,
 * grandchildren included when their parents waited for them (Linux: /proc/self/stat cutime and
 * cstime). The difference around one command is that command's CPU time: on a shared machine it
 * varies far less with the load than the wall time does.
 */
export function childrenCpuSeconds(): number {
  const { user, system } = childrenCpu();
  return user + system;
}

/** The same, user and system apart: system time is mostly the file system's, which drifts on this machine (bench/machine.ts). */
export function childrenCpu(): { user: number; system: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5), counted from the state field (3).
  return { user: Number(fields[16 - 3]) / 100, system: Number(fields[17 - 3]) / 100 };
}

/** The children's CPU seconds since `start` (a childrenCpu() reading): user and system together, and system alone. */
export function childrenCpuSince(start: { user: number; system: number }): { total: number; system: number } {
  const now = childrenCpu();
  return { total: now.user - start.user + now.system - start.system, system: now.system - start.system };
}
