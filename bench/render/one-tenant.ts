/**
 * Benchmark: `platform render` with the render cache after a one-tenant edit, at N generated
 * tenants (bench/tenants/generate.ts) besides the repository's own. Fills the cache with a render
 * of the tree, edits one generated tenant (its quota, by default), renders again and prints how
 * many apps were re-rendered and the time and CPU of that render (renderEnvironments with the
 * cache: computing the views and keys, hashing, rendering; loading and validating the inputs not
 * counted).
 *
 *   node --import tsx bench/render/one-tenant.ts [tenants=1000] [edit=quota|llm-budget|none]
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateTenants } from '../tenants/generate';
import { loadInputs } from '../../config/inputs';
import { renderEnvironments } from '../../cli/lib/render';
import { SynthCache } from '../../cli/lib/cache/store';
import { loadAverage } from '../machine';

const count = Number(process.argv[2] ?? 1000);
const edit = process.argv[3] ?? 'quota';
const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'bench-render-'));
const tenantsDir = join(work, 'tenants');

try {
  const files = generateTenants(tenantsDir, count);
  for (const f of readdirSync(join(root, 'tenants')).filter((f) => f.endsWith('.yaml'))) copyFileSync(join(root, 'tenants', f), join(tenantsDir, f));
  // Inside the repository (the cache refuses folders outside it), ignored by git.
  const cache = SynthCache.open(join(root, '.cache', `bench-render-${process.pid}`));
  const render = () => {
    const inputs = loadInputs({ tenantsDir });
    let report = { reused: [] as string[], built: [] as string[] };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    renderEnvironments(inputs.environments, inputs, { cache, onReport: (r) => (report = r) });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuS: (cpu.user + cpu.system) / 1e6, reused: report.reused.length, built: report.built };
  };
  const cold = render();
  const target = files[Math.floor(count / 2)];
  const text = readFileSync(target, 'utf8');
  const edited = edit === 'quota' ? text.replace('pods: 50', 'pods: 51') : edit === 'llm-budget' ? text.replace('monthlyBudget: 100', 'monthlyBudget: 101') : text;
  if (edited === text && edit !== 'none') throw new Error(`edit ${edit} did not apply to ${target}`);
  writeFileSync(target, edited);
  const after = render();
  console.log(JSON.stringify({ tenants: count, edit, load: loadAverage(), cold: { ms: Math.round(cold.ms), cpuS: cold.cpuS.toFixed(2), rendered: cold.built.length }, afterEdit: { ms: Math.round(after.ms), cpuS: after.cpuS.toFixed(2), reused: after.reused, rendered: after.built.length, apps: after.built } }));
  rmSync(cache.dir, { recursive: true, force: true });
} finally {
  rmSync(work, { recursive: true, force: true });
}
