/** Progress lines on stderr, so stdout stays clean for machine-readable output. */
export interface Progress {
  step<T>(label: string, work: () => T): T;
  info(message: string): void;
}

export function createProgress(quiet: boolean, stream: NodeJS.WritableStream = process.stderr): Progress {
  return {
    step(label, work) {
      const start = process.hrtime.bigint();
      if (!quiet) stream.write(`- ${label} ...\n`);
      const result = work();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (!quiet) stream.write(`  done: ${label} (${(ms / 1000).toFixed(2)} s)\n`);
      return result;
    },
    info(message) {
      if (!quiet) stream.write(`${message}\n`);
    },
  };
}
