/**
 * The check an incremental synth makes on every app it constructs (cli/lib/cache/incremental.ts
 * checkConstructed): each stack is planned, and built by a class from a module its
 * fingerprint's code files hold. A stack built by code the fingerprint misses would be copied
 * from the cache after that code changed; the negative controls are such stacks, and a stack
 * the plan does not know.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { TerraformStack } from 'cdktf';
import { checkConstructed, moduleOf } from '../../cli/lib/cache/incremental';
import { Fingerprints } from '../../cli/lib/cache/fingerprint';
import { NetworkStack } from '../../stacks/network-stack';
import { TenantStack } from '../../stacks/tenant-stack';

const REPO = resolve(__dirname, '..', '..');
const fp = new Fingerprints(REPO);
const codeFiles = (concern: string) => fp.stackCodeFiles(concern);
const plan = new Map([
  ['dev-network', 'network'],
  ['dev-tenant-acme', 'tenant-acme'],
  ['prod-tenant-acme', 'tenant-acme'],
]);
const concernOf = (name: string) => plan.get(name);
const stack = (id: string, ctor: unknown) => ({ node: { id }, constructor: ctor });
const modules = (ctor: unknown) => moduleOf(ctor, REPO);

/** A stack class this test defines and does not export: no project module exports it. */
class Unexported extends TerraformStack {}

describe('the stacks an incremental synth constructs', () => {
  it('finds the module that exports a stack class, and none for a class no project module exports', () => {
    assert.equal(modules(TenantStack), 'stacks/tenant-stack.ts');
    assert.equal(modules(NetworkStack), 'stacks/network-stack.ts');
    assert.equal(modules(TerraformStack), undefined, 'a class of node_modules');
    assert.equal(modules(Unexported), undefined);
  });

  it('accepts planned stacks built by the modules their fingerprints hash', () => {
    assert.doesNotThrow(() =>
      checkConstructed([stack('dev-network', NetworkStack), stack('dev-tenant-acme', TenantStack), stack('prod-tenant-acme', TenantStack)], concernOf, codeFiles, modules),
    );
    assert.ok(!codeFiles('network').includes('stacks/tenant-stack.ts'), 'the network fingerprint does not hash the tenant stack module');
  });

  it('refuses a stack built by a module its fingerprint does not hash (negative control)', () => {
    assert.throws(
      () => checkConstructed([stack('dev-network', TenantStack)], concernOf, codeFiles, modules),
      /dev-network is built by stacks\/tenant-stack\.ts, which its fingerprint does not cover \(expected stacks\/network-stack\.ts\)/,
    );
  });

  it('refuses a stack the plan does not have (negative control)', () => {
    assert.throws(() => checkConstructed([stack('dev-network', NetworkStack), stack('dev-surprise', NetworkStack)], concernOf, codeFiles, modules), /the app has a stack dev-surprise that the plan does not/);
  });

  it('does not judge a class no project module exports', () => {
    assert.doesNotThrow(() => checkConstructed([stack('dev-network', Unexported)], concernOf, codeFiles, modules));
  });
});
