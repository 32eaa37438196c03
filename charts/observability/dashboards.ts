/** The Grafana dashboards kept as files next to this module (the only I/O of the observability app). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard } from './chart';

export const DASHBOARDS_DIR = join(__dirname, 'dashboards');

export function loadDashboards(dir = DASHBOARDS_DIR): Dashboard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), json: readFileSync(join(dir, f), 'utf8') }));
}
