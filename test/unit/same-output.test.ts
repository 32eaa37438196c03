/**
 * The no-op run's comparison with the output folder (cli/lib/cache/same-output.ts), which reads
 * every file into one reused buffer: a file longer or shorter than expected by a byte, a file
 * equal to another file's content, and a folder where a file should be all differ; identical
 * folders of files of very different sizes are equal (negative control).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { holdsExactly } from '../../cli/lib/cache/same-output';
import { markOwnOutput } from '../../cli/lib/output-dir';

const work = mkdtempSync(join(tmpdir(), 'same-output-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let n = 0;

const files = new Map<string, Buffer>([
  ['manifest.json', Buffer.from('{"stacks":{}}')],
  ['stacks/big/cdk.tf.json', Buffer.alloc(300_000, 'b')],
  ['stacks/small/cdk.tf.json', Buffer.from('{"s":1}')],
  ['stacks/empty/cdk.tf.json', Buffer.alloc(0)],
  ['stacks/twin/cdk.tf.json', Buffer.from('{"s":2}')],
]);

function folder(): string {
  const dir = join(work, `out-${n++}`);
  for (const [f, b] of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), b);
  }
  markOwnOutput(dir);
  return dir;
}

describe('unchanged output check, file by file', () => {
  it('is true for a folder holding exactly the files, small after big and empty (negative control)', () => {
    assert.equal(holdsExactly(folder(), files), true);
    assert.equal(holdsExactly(folder(), files), true, 'again: the buffer is reused');
  });

  it('is false for a file a byte longer, a byte shorter, or another file\'s content, and for a folder in a file\'s place', () => {
    const longer = folder();
    appendFileSync(join(longer, 'stacks/small/cdk.tf.json'), ' ');
    assert.equal(holdsExactly(longer, files), false, 'a byte longer');
    const longerEmpty = folder();
    appendFileSync(join(longerEmpty, 'stacks/empty/cdk.tf.json'), 'x');
    assert.equal(holdsExactly(longerEmpty, files), false, 'an empty file that is not');
    const shorter = folder();
    truncateSync(join(shorter, 'stacks/big/cdk.tf.json'), 299_999);
    assert.equal(holdsExactly(shorter, files), false, 'a byte shorter');
    const swapped = folder();
    writeFileSync(join(swapped, 'stacks/small/cdk.tf.json'), files.get('stacks/twin/cdk.tf.json')!);
    assert.equal(holdsExactly(swapped, files), false, 'the same length, other bytes');
    const dirInstead = folder();
    rmSync(join(dirInstead, 'stacks/small/cdk.tf.json'));
    mkdirSync(join(dirInstead, 'stacks/small/cdk.tf.json'));
    assert.equal(holdsExactly(dirInstead, files), false, 'a folder where the file was');
  });
});
