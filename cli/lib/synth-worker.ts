/**
 * A synth worker: builds and synthesizes the app for some environments from inputs the parent
 * already validated, into its own folder. Environments never reference each other, so their
 * stacks can be synthesized in separate processes and merged. With a cache, the worker runs
 * the incremental synth for its environments (the cache is safe to share between processes).
 *
 * Two messages: a `preload`, sent when the worker starts (possibly while the parent is still
 * validating the inputs), loads cdktf, the providers and the stacks, which is most of a
 * worker's start-up; then the `synth` request with the validated inputs.
 */
import type { EnvironmentConfig } from '../../config/schema';
import type { ModelCatalogue } from '../../config/models';
import type { Tenant } from '../../config/tenant-schema';
import type { IncrementalReport } from './cache/incremental';

export interface WorkerRequest {
  readonly environments: EnvironmentConfig[];
  readonly tenants: Tenant[];
  readonly models: ModelCatalogue;
  readonly outdir: string;
  readonly localBackend?: boolean;
  /** Incremental synth from this cache folder. */
  readonly cacheDir?: string;
  readonly root?: string;
  readonly notData?: string[];
}

/**
 * What the worker loads before its request comes. With a cache, the read tracer starts before
 * the app is loaded, with the files the request will name as not data (`ignore`): a module that
 * reads a data file when it loads is recorded, as it is when the incremental synth loads the app.
 */
export interface WorkerPreload {
  readonly cache: boolean;
  readonly root: string;
  readonly ignore: string[];
}

export type WorkerMessage = ({ kind: 'preload' } & WorkerPreload) | ({ kind: 'synth' } & WorkerRequest);

export type WorkerReply = { ok: true; report?: IncrementalReport } | { ok: false; error: string };

// Source-mapped stack traces cost a lot per token and a worker's errors are relayed as text.
process.setSourceMapsEnabled(false);

// A parent that is gone (killed) takes its staging folder with it: stop instead of writing there.
process.on('disconnect', () => process.exit(1));

function preload({ cache, root, ignore }: WorkerPreload): void {
  try {
    if (cache) {
      // In the order of a worker that loads nothing early: the cache's modules, the tracer, then the app.
      require('./cache/store');
      require('./cache/incremental');
      const { traceReads } = require('./cache/reads') as typeof import('./cache/reads');
      traceReads(root, ignore);
    }
    require('../../main');
  } catch {
    // The synth request loads the same modules again and reports what fails.
  }
}

function synth(request: WorkerRequest): void {
  let reply: WorkerReply;
  try {
    if (request.cacheDir && request.root) {
      const { SynthCache } = require('./cache/store') as typeof import('./cache/store');
      const { synthesizeIncremental } = require('./cache/incremental') as typeof import('./cache/incremental');
      const cache = SynthCache.open(request.cacheDir);
      reply = { ok: true, report: synthesizeIncremental({ ...request, cache, root: request.root }) };
    } else {
      const { buildApp } = require('../../main') as typeof import('../../main');
      const app = buildApp(request);
      if (!process.connected) process.exit(1);
      app.synth();
      reply = { ok: true };
    }
  } catch (err) {
    reply = { ok: false, error: (err as Error)?.stack ?? String(err) };
  }
  process.send!(reply, () => process.disconnect());
}

process.on('message', (message: WorkerMessage) => {
  const { kind, ...body } = message;
  if (kind === 'preload') preload(body as WorkerPreload);
  else synth(body as WorkerRequest);
});
