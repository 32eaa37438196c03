import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { App, Aspects, Lazy, TerraformStack, Testing, Token } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { allowDestroy, PreventDestroyAspect } from '../../constructs/protection';
import { TaggingAspect } from '../../constructs/tagging';

const required = { env: 'dev', tier: 'non-production', tenant: 'platform', app: 'test', 'cost-center': 'CC-1', 'managed-by': 'cdktf' };

function stackWith(build: (stack: TerraformStack) => void): Record<string, any> {
  const app = Testing.app() as App;
  const stack = new TerraformStack(app, 'test');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  Aspects.of(stack).add(new TaggingAspect(required, { owner: 'platform-team' }));
  Aspects.of(stack).add(new PreventDestroyAspect());
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

const vnetProps = { name: 'vnet', resourceGroupName: 'rg', location: 'westeurope', addressSpace: ['10.0.0.0/16'] };

describe('TaggingAspect', () => {
  it('tags a resource that set no tags, leaves untaggable resources alone', () => {
    const out = stackWith((s) => {
      new VirtualNetwork(s, 'vnet', vnetProps);
      new RoleAssignment(s, 'ra', { principalId: 'p', scope: 's', roleDefinitionName: 'Reader' });
    });
    assert.deepEqual(out.resource.azurerm_virtual_network.vnet.tags, { ...required, owner: 'platform-team' });
    assert.equal(out.resource.azurerm_role_assignment.ra.tags, undefined);
  });

  it('keeps a resource’s own tenant/app, but never lets it change env or managed-by', () => {
    const out = stackWith((s) => {
      new VirtualNetwork(s, 'vnet', { ...vnetProps, tags: { tenant: 'acme', env: 'prod', 'managed-by': 'portal', extra: 'x' } });
    });
    const tags = out.resource.azurerm_virtual_network.vnet.tags;
    assert.equal(tags.tenant, 'acme');
    assert.equal(tags.extra, 'x');
    assert.equal(tags.env, 'dev');
    assert.equal(tags['managed-by'], 'cdktf');
  });

  it('refuses empty or oversized tag values', () => {
    assert.throws(() => new TaggingAspect({ ...required, 'cost-center': '' }), /cost-center/);
    assert.throws(() => new TaggingAspect(required, { note: 'x'.repeat(257) }), /note/);
  });
});

describe('PreventDestroyAspect', () => {
  it('protects stateful types, keeps other lifecycle settings, honours an explicit opt-out', () => {
    const out = stackWith((s) => {
      new VirtualNetwork(s, 'vnet', { ...vnetProps, lifecycle: { ignoreChanges: ['tags'] } });
      const scratch = new StorageAccount(s, 'scratch', {
        name: 'stscratch', resourceGroupName: 'rg', location: 'westeurope', accountTier: 'Standard', accountReplicationType: 'LRS',
      });
      allowDestroy(scratch, 'throwaway test data');
      new RoleAssignment(s, 'ra', { principalId: 'p', scope: 's', roleDefinitionName: 'Reader' });
    });
    assert.deepEqual(out.resource.azurerm_virtual_network.vnet.lifecycle, { ignore_changes: ['tags'], prevent_destroy: true });
    assert.equal(out.resource.azurerm_storage_account.scratch.lifecycle, undefined);
    assert.equal(out.resource.azurerm_role_assignment.ra.lifecycle, undefined);
  });

  it('requires a reason to opt out', () => {
    const app = Testing.app() as App;
    const stack = new TerraformStack(app, 's');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    const vnet = new VirtualNetwork(stack, 'vnet', vnetProps);
    assert.throws(() => allowDestroy(vnet, '  '), /reason/);
  });
});

describe('aspects applied before cdktf does (main.ts prepareInOnePass)', () => {
  const token = () => Token.asString(Lazy.stringValue({ produce: () => 'late' }));

  it('say whether visiting a node would overwrite a value that holds a token', () => {
    const app = Testing.app() as App;
    const stack = new TerraformStack(app, 'test');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    const tagging = new TaggingAspect(required);
    const protection = new PreventDestroyAspect();
    const plain = new VirtualNetwork(stack, 'plain', { ...vnetProps, tags: { env: 'dev', extra: 'x' } });
    const keptToken = new VirtualNetwork(stack, 'kept', { ...vnetProps, tags: { extra: token() } });
    const forcedToken = new VirtualNetwork(stack, 'forced', { ...vnetProps, tags: { 'managed-by': token() } });
    const lifecycleToken = new VirtualNetwork(stack, 'lifecycle', { ...vnetProps, lifecycle: { preventDestroy: Token.asAny(Lazy.anyValue({ produce: () => false })) as unknown as boolean } });
    const role = new RoleAssignment(stack, 'ra', { principalId: 'p', scope: 's', roleDefinitionName: 'Reader' });
    assert.equal(tagging.overwritesToken(plain), false);
    assert.equal(tagging.overwritesToken(keptToken), false, 'a token under a key the resource may set stays');
    assert.equal(tagging.overwritesToken(forcedToken), true);
    assert.equal(tagging.overwritesToken(role), false, 'not taggable');
    assert.equal(protection.overwritesToken(plain), false);
    assert.equal(protection.overwritesToken(lifecycleToken), true);
    assert.equal(protection.overwritesToken(role), false, 'not stateful');
  });
});
