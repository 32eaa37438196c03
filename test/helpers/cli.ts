/** Runs the `platform` command in-process and captures what it prints. */
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main';

export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const captured = { out: '', err: '' };
  stdout.on('data', (d) => (captured.out += d));
  stderr.on('data', (d) => (captured.err += d));
  const code = await main(argv, { stdout, stderr });
  return { code, ...captured };
}
