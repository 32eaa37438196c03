/**
 * A synth worker: builds and synthesizes the app for some environments from inputs the parent
 * already validated, into its own folder. Environments never reference each other, so their
 * stacks can be synthesized in separate processes and merged.
 */
import type { EnvironmentConfig } from '../../config/schema';
import type { Tenant } from '../../config/tenant-schema';
import { buildApp } from '../../main';

export interface WorkerRequest {
  readonly environments: EnvironmentConfig[];
  readonly tenants: Tenant[];
  readonly outdir: string;
  readonly localBackend?: boolean;
}

export type WorkerReply = { ok: true } | { ok: false; error: string };

// Source-mapped stack traces cost a lot per token and a worker's errors are relayed as text.
process.setSourceMapsEnabled(false);

// A parent that is gone (killed) takes its staging folder with it: stop instead of writing there.
process.on('disconnect', () => process.exit(1));

process.once('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const app = buildApp(request);
    if (!process.connected) process.exit(1);
    app.synth();
    reply = { ok: true };
  } catch (err) {
    reply = { ok: false, error: (err as Error)?.stack ?? String(err) };
  }
  process.send!(reply, () => process.disconnect());
});
