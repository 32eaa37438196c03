/**
 * The tool servers' TLS sidecar configuration against Envoy's own API: the bootstrap and both SDS
 * files the mcp-hub app renders are decoded by go-control-plane (the Envoy v1.39 API, the release
 * the sidecar image runs) with unknown fields refused and Envoy's validation rules applied
 * (scripts/envoy-validate, built here with Go from the module proxy, cached per source hash).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsSidecarConfig } from '../../charts/mcp-hub/tls-sidecar';
import { MCP_GATEWAY_CLIENT_SAN, MCP_TOOL_SERVERS } from '../../catalog/mcp-tools';
import { ROOT } from '../helpers/tools';

const SRC = join(ROOT, 'scripts/envoy-validate');

function validator(): string {
  const hash = createHash('sha256').update(['go.mod', 'go.sum', 'main.go'].map((f) => readFileSync(join(SRC, f), 'utf8')).join('\0')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'platform-envoy-validate');
  const bin = join(dir, `envoy-validate-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const res = spawnSync('go', ['build', '-o', bin, '.'], { cwd: SRC, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } });
  assert.equal(res.status, 0, res.stderr);
  return bin;
}

/** The files of one sidecar configuration, checked: '' when Envoy's API accepts them all. */
function check(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sidecar-'));
  const args: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    args.push(name === 'envoy.yaml' ? 'bootstrap' : 'sds', join(dir, name));
  }
  const res = spawnSync(validator(), args, { encoding: 'utf8' });
  return res.status === 0 ? '' : res.stdout + res.stderr;
}

describe('TLS sidecar: Envoy API', () => {
  const server = MCP_TOOL_SERVERS['azure-devops'];
  const files = tlsSidecarConfig({ tlsPort: server.tlsPort, upstreamPort: server.mcpPort, clientSan: MCP_GATEWAY_CLIENT_SAN, requestTimeoutSeconds: 300 });

  it('the bootstrap and the SDS files decode and validate against the Envoy v1.39 API', () => {
    assert.deepEqual(Object.keys(files).sort(), ['client-validation.yaml', 'envoy.yaml', 'server-cert.yaml']);
    assert.equal(check(files), '');
  });

  it('an unknown field and a rule Envoy enforces are both refused (negative controls)', () => {
    assert.match(check({ 'envoy.yaml': files['envoy.yaml'].replace('require_client_certificate', 'require_client_cert') }), /unknown field "require_client_cert"/);
    assert.match(check({ 'client-validation.yaml': files['client-validation.yaml'].replace(/san_type: DNS/, 'san_type: DNS_NAME') }), /client-validation\.yaml: .*DNS_NAME/);
    assert.match(check({ 'server-cert.yaml': files['server-cert.yaml'].replace(/filename: \S+tls\.key/, 'filename: ""') }), /server-cert\.yaml: .*Filename/);
    assert.match(check({ 'envoy.yaml': files['envoy.yaml'].replace(/port_value: 8443/, 'port_value: 70000') }), /PortValue|port_value/);
  });
});
