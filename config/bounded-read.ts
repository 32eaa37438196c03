/**
 * Reads a file only up to a limit: the memoized validation paths read input files themselves
 * (their exact bytes are the memo key), and a runaway file must cost no more than the limit,
 * as it does where loadYamlFile checks its size first. The no-op synth compares thousands of
 * output files the same way, into one reused buffer.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Reads the file into `buf` until it is full or the file ends: the bytes read, or undefined when it cannot be read. */
export function readInto(file: string, buf: Buffer): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    let n = 0;
    for (;;) {
      const read = readSync(fd, buf, n, buf.length - n, n);
      if (read === 0 || (n += read) === buf.length) return n;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes, or undefined when it holds more than `maxBytes` or cannot be read (the caller's usual path then reports it). */
export function readAtMost(file: string, maxBytes: number): Buffer | undefined {
  const buf = Buffer.allocUnsafe(maxBytes + 1);
  const n = readInto(file, buf);
  return n === undefined || n > maxBytes ? undefined : Buffer.from(buf.subarray(0, n));
}
