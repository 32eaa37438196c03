/**
 * A synth worker: builds and synthesizes the app for some environments from inputs the parent
 * already validated, into its own folder. Environments never reference each other, so their
 * stacks can be synthesized in separate processes and merged. With a cache, the worker runs
 * the incremental synth for its environments (the cache is safe to share between processes).
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

export type WorkerReply = { ok: true; report?: IncrementalReport } | { ok: false; error: string };

// Source-mapped stack traces cost a lot per token and a worker's errors are relayed as text.
process.setSourceMapsEnabled(false);

// A parent that is gone (killed) takes its staging folder with it: stop instead of writing there.
process.on('disconnect', () => process.exit(1));

process.once('message', (request: WorkerRequest) => {
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
});
