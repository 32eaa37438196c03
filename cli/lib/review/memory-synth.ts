/**
 * One side of a review synthesized into memory: every stack whose fingerprint is cached is
 * taken from the cache as bytes, and only the rest is synthesized (written to a scratch folder
 * and read back from it). A one-tenant review of a thousand tenants then costs
 * two tenant stacks, not two thousand files written, read, parsed and deleted per side.
 */
import type { Inputs } from '../../../config/inputs';
import { ENVIRONMENTS_DIR } from '../../../config/load';
import { MODELS_FILE } from '../../../config/models';
import { TENANTS_DIR } from '../../../config/tenants';
import { IncrementalSynth, type IncrementalReport } from '../cache/incremental';
import type { SynthCache } from '../cache/store';
import { REPO } from '../tools';
import { synthOutputOf, type SynthOutput } from './diff';

export interface MemorySide {
  readonly output: SynthOutput;
  readonly report: IncrementalReport;
}

/** The incremental synth of the given inputs; `scratch` receives the stacks it has to synthesize. */
export function plannedSide(inputs: Inputs, cache: SynthCache, scratch: string): IncrementalSynth {
  return new IncrementalSynth({
    environments: inputs.environments,
    tenants: inputs.tenants,
    models: inputs.models,
    outdir: scratch,
    cache,
    root: REPO,
    // The validated inputs are fingerprinted as objects, not as files (as in cli/lib/synth.ts).
    notData: [ENVIRONMENTS_DIR, MODELS_FILE, TENANTS_DIR, ...inputs.tenantFiles.map((t) => t.file), scratch],
  });
}

export function synthesizeInMemory(planned: IncrementalSynth, where: string): MemorySide {
  const { files, report } = planned.inMemory();
  return { output: synthOutputOf((path) => files.get(path), where), report };
}
