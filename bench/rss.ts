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

/** Starts sampling; `stop()` returns the peak in MB (at least this process's own max RSS). */
export function sampleTreeRss(intervalMs = 50): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, treeRssKb(process.pid))), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRssKb(process.pid), process.resourceUsage().maxRSS) / 1024;
    },
  };
}
