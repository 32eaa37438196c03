/** Progress lines on stderr, so stdout stays clean for machine-readable output. */
export interface Progress {
  step<T>(label: string, work: () => T): T;
  /** The same for work that runs alongside other work. */
  stepAsync<T>(label: string, work: () => Promise<T>): Promise<T>;
  info(message: string): void;
}

export function createProgress(quiet: boolean, stream: NodeJS.WritableStream = process.stderr): Progress {
  const begin = (label: string) => {
    const start = process.hrtime.bigint();
    if (!quiet) stream.write(`- ${label} ...\n`);
    return () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (!quiet) stream.write(`  done: ${label} (${(ms / 1000).toFixed(2)} s)\n`);
    };
  };
  return {
    step(label, work) {
      const end = begin(label);
      const result = work();
      end();
      return result;
    },
    async stepAsync(label, work) {
      const end = begin(label);
      const result = await work();
      end();
      return result;
    },
    info(message) {
      if (!quiet) stream.write(`${message}\n`);
    },
  };
}
