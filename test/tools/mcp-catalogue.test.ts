/**
 * The MCP tool catalogue against the released packages it describes (from the npm registry, with
 * npm itself): the Azure DevOps MCP server's toolsets are exactly its `--domains` (less the ones
 * the catalogue leaves out on purpose), each toolset's tools exactly the names its tool module
 * registers, it takes `--authentication env` and speaks stdio (hence the bridge); the bridge
 * release serves stdio as stateless Streamable HTTP with a health endpoint; and the image tag in
 * config/workloads.yaml names both versions. A catalogue that drifts from the release fails here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { MCP_STDIO_BRIDGE, MCP_TOOL_SERVERS } from '../../catalog/mcp-tools';
import { azureDevOpsCommand } from '../../charts/mcp-hub/chart';
import { ROOT } from '../helpers/tools';

/** Toolsets of the release the catalogue leaves out, with why. */
const LEFT_OUT: Record<string, string> = { 'mcp-apps': 'a ping for MCP Apps hosts, no Azure DevOps tool' };

function unpack(pkg: { name: string; version: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-pkg-'));
  const pack = spawnSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const file = join(dir, pack.stdout.trim().split('\n').pop()!);
  const tar = spawnSync('tar', ['-xzf', file, '-C', dir], { encoding: 'utf8' });
  assert.equal(tar.status, 0, tar.stderr);
  return join(dir, 'package');
}

/** Toolset (the tool module's file name) -> the tool names of its `const X_TOOLS = { key: "name" }` table. */
export function releasedToolsets(dist: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of readdirSync(join(dist, 'tools')).filter((f) => f.endsWith('.js') && !f.includes('.dto.'))) {
    const text = readFileSync(join(dist, 'tools', f), 'utf8');
    const tables = [...text.matchAll(/^const [A-Z_]+ = \{([^}]*)\};/gm)].map((m) => m[1]);
    const names = tables.flatMap((t) => [...t.matchAll(/:\s*"([a-z0-9_]+)"/g)].map((m) => m[1]));
    if (names.length) out[basename(f, '.js')] = names.sort();
  }
  return out;
}

/** Everything where the catalogue and the release disagree. */
export function catalogueDrift(catalogue: Record<string, readonly string[]>, released: Record<string, string[]>, domains: string[]): string[] {
  const out: string[] = [];
  for (const d of domains) if (!(d in catalogue) && !(d in LEFT_OUT)) out.push(`domain ${d} is in the release but not in the catalogue`);
  for (const [toolset, tools] of Object.entries(catalogue)) {
    if (!domains.includes(toolset)) out.push(`toolset ${toolset} is no --domains value of the release`);
    const have = released[toolset] ?? [];
    for (const t of tools) if (!have.includes(t)) out.push(`${toolset}/${t} is not registered by the release`);
    for (const t of have) if (!tools.includes(t)) out.push(`${toolset}/${t} is registered by the release but not catalogued`);
  }
  return out;
}

describe('MCP tool catalogue against the released packages', () => {
  const server = MCP_TOOL_SERVERS['azure-devops'];
  const pkg = unpack(server.package);
  const dist = join(pkg, 'dist');
  const domains = [...readFileSync(join(dist, 'shared/domains.js'), 'utf8').matchAll(/Domain\["[A-Z_]+"\] = "([a-z-]+)"/g)].map((m) => m[1]);

  it(`${server.package.name} ${server.package.version}: toolsets and tools are exactly the release's`, () => {
    assert.ok(domains.length >= 9, domains.join(', '));
    assert.deepEqual(catalogueDrift(server.toolsets, releasedToolsets(dist), domains), []);
  });

  it('the drift check names a tool the release lacks and one it adds (negative control)', () => {
    const released = releasedToolsets(dist);
    const edited = { ...server.toolsets, wiki: [...server.toolsets.wiki.filter((t) => t !== 'wiki_upsert_page'), 'wiki_delete_everything'] };
    assert.deepEqual(catalogueDrift(edited, released, domains).sort(), ['wiki/wiki_delete_everything is not registered by the release', 'wiki/wiki_upsert_page is registered by the release but not catalogued']);
  });

  it('the server takes the flags the hub passes and speaks stdio only (so the bridge is needed)', () => {
    const index = readFileSync(join(dist, 'index.js'), 'utf8');
    assert.match(index, /choices: \[[^\]]*"env"[^\]]*\]/);
    assert.match(index, /\.option\("domains"/);
    assert.match(index, /new StdioServerTransport\(\)/);
    assert.doesNotMatch(index, /StreamableHTTPServerTransport/);
    assert.equal(JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).bin['mcp-server-azuredevops'], 'dist/index.js');
    assert.match(azureDevOpsCommand('org')[2], /^mcp-server-azuredevops org --authentication env --domains /);
  });

  it(`${MCP_STDIO_BRIDGE.name} ${MCP_STDIO_BRIDGE.version} serves stdio as stateless Streamable HTTP with the flags the hub passes`, () => {
    const bridge = unpack(MCP_STDIO_BRIDGE);
    const gateways = readdirSync(join(bridge, 'dist/gateways'));
    assert.ok(gateways.includes('stdioToStatelessStreamableHttp.js'), gateways.join(', '));
    const stateless = readFileSync(join(bridge, 'dist/gateways/stdioToStatelessStreamableHttp.js'), 'utf8');
    assert.match(stateless, /healthEndpoints/);
    const cli = readFileSync(join(bridge, 'dist/index.js'), 'utf8');
    for (const flag of azureDevOpsCommand('org').filter((a) => a.startsWith('--'))) assert.ok(cli.includes(`'${flag.slice(2)}'`) || cli.includes(`"${flag.slice(2)}"`), `${flag} is a flag of the bridge`);
  });

  it('the image tag in config/workloads.yaml names the server and bridge versions', () => {
    const images = parse(readFileSync(join(ROOT, 'config/workloads.yaml'), 'utf8')).images;
    assert.equal(images['azure-devops-mcp'].tag, `${server.package.version}-sg${MCP_STDIO_BRIDGE.version}`);
  });
});
