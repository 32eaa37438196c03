/**
 * Reads a file only up to a limit: the memoized validation paths read input files themselves
 * (their exact bytes are the memo key), and a runaway file must cost no more than the limit,
 * as it does where loadYamlFile checks its size first.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** The file's bytes, or undefined when it holds more than `maxBytes` or cannot be read (the caller's usual path then reports it). */
export function readAtMost(file: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.allocUnsafe(maxBytes + 1);
    let n = 0;
    for (;;) {
      const read = readSync(fd, buf, n, buf.length - n, n);
      if (read === 0) break;
      n += read;
      if (n > maxBytes) return undefined;
    }
    return Buffer.from(buf.subarray(0, n));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
