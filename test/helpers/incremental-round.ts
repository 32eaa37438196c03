/**
 * One round of the incremental-synth property test, run in a fresh process inside a copy of
 * the repository (so that edits to the code take effect): an incremental synth and render from
 * the shared cache, then a full synth and render of the same tree, compared byte for byte.
 * Prints one JSON line.
 *
 *   node --import tsx test/helpers/incremental-round.ts <cache dir> <incremental out> <full out>
 *
 * The fault tests (synth-cache-faults.test.ts) run it too, in the repository itself: it only
 * writes into the three folders it is given.
 */
import { ENVIRONMENTS_DIR } from '../../config/load';
import { MODELS_FILE } from '../../config/models';
import { TENANTS_DIR } from '../../config/tenants';
import { SynthCache } from '../../cli/lib/cache/store';
import { renderEnvironments } from '../../cli/lib/render';
import { synthesize } from '../../cli/lib/synth';
import { createProgress } from '../../cli/progress';
import { readTree } from './tree';

/** What one round prints: the incremental run's reuse and problems, and every byte that differs from the full run. */
export interface RoundResult {
  stacks: number;
  reused: number;
  built: number;
  problems: string[];
  apps: number;
  appsReused: number;
  appsBuilt: number;
  synthDiff: string[];
  renderDiff: string[];
}

function differences(a: Map<string, Buffer | string>, b: Map<string, Buffer | string>): string[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  return names.filter((n) => {
    const x = a.get(n);
    const y = b.get(n);
    return x === undefined || y === undefined || !Buffer.from(x).equals(Buffer.from(y));
  });
}

const [cacheDir, incOut, fullOut] = process.argv.slice(2);
const progress = createProgress(true);
const cache = SynthCache.open(cacheDir);
// Incremental first, so that the read tracer sees what the incremental build itself reads.
const inc = synthesize({ outdir: incOut, cache, progress });
const renderReport: { reused: number; built: number } = { reused: 0, built: 0 };
const incRendered = renderEnvironments(inc.inputs.allEnvironments, inc.inputs, {
  cache,
  inputFiles: [ENVIRONMENTS_DIR, TENANTS_DIR, MODELS_FILE],
  onReport: (r) => Object.assign(renderReport, { reused: r.reused.length, built: r.built.length }),
});
cache.finish();
const full = synthesize({ outdir: fullOut, progress });
const fullRendered = renderEnvironments(full.inputs.allEnvironments, full.inputs);
const result: RoundResult = {
    stacks: full.stacks.length,
    reused: inc.cache?.reused ?? 0,
    built: inc.cache?.built ?? 0,
    // Every damaged or foreign entry the run found, the stacks' and the rendered apps'.
    problems: cache.stats.problems,
    apps: fullRendered.size,
    appsReused: renderReport.reused,
    appsBuilt: renderReport.built,
    synthDiff: differences(readTree(incOut), readTree(fullOut)),
    renderDiff: differences(incRendered, fullRendered),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
