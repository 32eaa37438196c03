/**
 * The MCP hub's audit writer (charts/mcp-hub/audit-writer.ts) as rendered for dev, and the
 * Gateway's access-log setting that feeds it: the EnvoyProxy validates against Envoy Gateway's
 * CRD, its OpenTelemetry sink names the writer's Service and port, which select the collector's
 * container port, which is the port the collector's configuration listens on; the file the
 * collector writes is in the volume the loader reads; only the Gateway's proxies reach the OTLP
 * port. The loader itself runs here (sh, a stand-in psql that records what it is given) over a
 * spool that grows, rotates and fails once: every complete line is sent exactly once, in order,
 * a partial line waits, a rotated file is deleted once loaded, a failed batch is sent again.
 * Each checker has a negative control.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { AUDIT_IDENTITIES, MCP_AUDIT_FIELDS, MCP_AUDIT_WRITER } from '../../catalog/audit';
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE } from '../../catalog/edge';
import { MCP_HUB_NAMESPACE } from '../../catalog/mcp-tools';
import { gatewayObjects } from '../../constructs/edge/gateway';
import { SCRIPTS_DIR, TOKENS_DIR } from '../../charts/audit/scripts';
import { LOAD_SH, LOAD_INTERVAL_SECONDS, LOADER_LIVE_SH, REFRESH_SH, SHARED_TOKENS_DIR, SPOOL_DIR, SPOOL_FILE, TOKEN_FRESH_SH } from '../../charts/mcp-hub/audit-writer-files';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;

const ZONE = 'lab.example.org';
const hub = parseAllDocuments(readFileSync(join(ROOT, 'rendered/dev/mcp-hub/manifests.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean) as Obj[];
const envoyProxy = () => gatewayObjects({ zone: ZONE, internal: true, address: '10.0.0.254', privateLink: false, highAvailability: true, tenantLabel: 'tenant', mcpHub: true }).find((o) => o.kind === 'EnvoyProxy')!;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Every link from the EnvoyProxy's audit sink to the loader that does not hold, one line each. */
function sinkProblems(proxy: Obj, objs: Obj[]): string[] {
  const out: string[] = [];
  const settings = proxy.spec.telemetry.accessLog.settings.filter((s: Obj) => s.sinks.some((k: Obj) => k.type === 'OpenTelemetry'));
  if (settings.length !== 1) return [`${settings.length} OpenTelemetry access-log settings, expected 1`];
  const keys = Object.keys(settings[0].format.json ?? {}).sort();
  if (keys.join() !== Object.keys(MCP_AUDIT_FIELDS).sort().join()) out.push(`access-log attributes ${keys} are not the loader's fields`);
  for (const ref of settings[0].sinks[0].openTelemetry.backendRefs) {
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.namespace === ref.namespace && o.metadata.name === ref.name);
    if (!svc) { out.push(`sink: no Service ${ref.namespace}/${ref.name}`); continue; }
    const sp = svc.spec.ports.find((p: Obj) => p.port === ref.port);
    if (!sp) { out.push(`sink: Service ${ref.name} has no port ${ref.port}`); continue; }
    const deploy = objs.find((o) => o.kind === 'Deployment' && o.metadata.namespace === ref.namespace && matches(svc.spec.selector, o.spec.template.metadata.labels));
    if (!deploy) { out.push(`Service ${ref.name}: selects no Deployment`); continue; }
    const pod = deploy.spec.template.spec;
    const collector = pod.containers.find((c: Obj) => (c.ports ?? []).some((p: Obj) => p.name === sp.targetPort));
    if (!collector) { out.push(`Service ${ref.name}: targetPort ${sp.targetPort} is no container port`); continue; }
    const containerPort = collector.ports.find((p: Obj) => p.name === sp.targetPort).containerPort;
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === ref.namespace && o.metadata.name === pod.volumes.find((v: Obj) => v.configMap)?.configMap.name);
    const configArg = (collector.args ?? []).find((a: string) => a.startsWith('--config='))?.slice('--config='.length) ?? '';
    const config = cm && parse(cm.data[configArg.split('/').pop()!] ?? 'null');
    if (!config) { out.push(`collector: ${configArg} is in no mounted ConfigMap`); continue; }
    const endpoint: string = config.receivers?.otlp?.protocols?.grpc?.endpoint ?? '';
    if (!endpoint.endsWith(`:${containerPort}`)) out.push(`collector: OTLP receiver ${endpoint} is not on container port ${containerPort}`);
    if (!config.service.pipelines.logs.receivers.includes('otlp')) out.push('collector: the logs pipeline does not receive OTLP');
    // The file the collector writes lies in the volume the loader reads.
    const path: string = config.exporters?.file?.path ?? '';
    const volumeAt = (c: Obj, file: string) => (c.volumeMounts ?? []).find((m: Obj) => file.startsWith(`${m.mountPath}/`))?.name;
    const loader = pod.containers.find((c: Obj) => c.name === 'loader');
    if (!loader || !volumeAt(collector, path) || volumeAt(collector, path) !== volumeAt(loader, path)) out.push(`the loader does not read ${path}`);
    // The pod runs as the MCP hub's audit identity, in its namespace.
    const id = AUDIT_IDENTITIES.mcpHubWriter;
    if (deploy.metadata.namespace !== id.namespace || pod.serviceAccountName !== id.serviceAccount) out.push(`writer runs as ${deploy.metadata.namespace}/${pod.serviceAccountName}, not ${id.namespace}/${id.serviceAccount}`);
    if (deploy.spec.template.metadata.labels['azure.workload.identity/use'] !== 'true') out.push('writer pod has no workload identity');
    const pguser = loader?.env?.find((e: Obj) => e.name === 'PGUSER')?.value;
    if (pguser !== id.name) out.push(`loader logs in as ${pguser}, not ${id.name}`);
  }
  return out;
}

describe("MCP hub audit writer: the Gateway's access log to the writer", () => {
  it('the EnvoyProxy with the audit access log validates against the pinned Envoy Gateway CRD (negative control: an unknown sink field)', async () => {
    assert.deepEqual(await schemaErrors([envoyProxy() as KubeObject]), []);
    const bad = structuredClone(envoyProxy());
    bad.spec.telemetry.accessLog.settings[1].sinks[0].openTelemetry.endpoint = 'x:4317';
    const errors = await schemaErrors([bad as KubeObject]);
    assert.ok(errors.some((e) => /endpoint/.test(e)), errors.join('\n'));
  });

  it('without the hub there is no audit access log', () => {
    const plain = gatewayObjects({ zone: ZONE, internal: true, address: '10.0.0.254', privateLink: false, highAvailability: true, tenantLabel: 'tenant' }).find((o) => o.kind === 'EnvoyProxy')!;
    assert.deepEqual(plain.spec.telemetry.accessLog.settings.map((s: Obj) => s.sinks[0].type), ['File']);
  });

  it("the match names the hub's host and MCP metadata, and only refusals of tenant paths", () => {
    const setting = envoyProxy().spec.telemetry.accessLog.settings[1];
    assert.equal(setting.matches.length, 1);
    assert.match(setting.matches[0], new RegExp(`request.host == 'mcp\\.${ZONE.replace(/\./g, '\\.')}'`));
    assert.match(setting.matches[0], /'mcp_method' in metadata\.filter_metadata\['io\.envoy\.ai_gateway'\]/);
    assert.match(setting.matches[0], /response\.code in \[401, 403, 429\]/);
  });

  it('sink -> Service -> collector port -> OTLP receiver -> spool -> loader, as the MCP hub audit identity', () => {
    assert.deepEqual(sinkProblems(envoyProxy(), hub), []);
  });

  it('the check names each broken link (negative controls)', () => {
    const proxy = envoyProxy();
    proxy.spec.telemetry.accessLog.settings[1].sinks[0].openTelemetry.backendRefs[0].port = 4318;
    assert.match(sinkProblems(proxy, hub).join('\n'), /Service mcp-audit has no port 4318/);
    const broken = structuredClone(hub);
    const cm = broken.find((o) => o.kind === 'ConfigMap' && o.metadata.name === MCP_AUDIT_WRITER.name)!;
    const config = parse(cm.data['collector.yaml']);
    config.receivers.otlp.protocols.grpc.endpoint = '0.0.0.0:5317';
    config.exporters.file.path = '/tmp/events.jsonl';
    cm.data['collector.yaml'] = JSON.stringify(config);
    const deploy = broken.find((o) => o.kind === 'Deployment' && o.metadata.name === MCP_AUDIT_WRITER.name)!;
    deploy.spec.template.spec.serviceAccountName = 'default';
    const problems = sinkProblems(envoyProxy(), broken).join('\n');
    for (const needle of ['OTLP receiver 0.0.0.0:5317 is not on container port 4317', 'the loader does not read /tmp/events.jsonl', 'writer runs as mcp-hub/default']) assert.ok(problems.includes(needle), `${needle} in\n${problems}`);
    const fields = envoyProxy();
    delete fields.spec.telemetry.accessLog.settings[1].format.json.mcp_tool_name;
    assert.match(sinkProblems(fields, hub).join('\n'), /are not the loader's fields/);
  });

  it('only the Gateway proxies reach the OTLP port; the writer reaches DNS, PostgreSQL and Entra ID only', () => {
    const np = hub.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === MCP_AUDIT_WRITER.name)!;
    const otlp = np.spec.ingress.filter((r: Obj) => r.ports.some((p: Obj) => p.port === MCP_AUDIT_WRITER.otlpPort));
    assert.deepEqual(otlp.map((r: Obj) => r.from), [[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NAMESPACE } }, podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } } }]]);
    const egressPorts = np.spec.egress.map((r: Obj) => r.ports.map((p: Obj) => p.port).join('+')).sort();
    assert.deepEqual([...new Set(egressPorts)], ['443', '53+53', '5432']);
    assert.ok(np.spec.egress.filter((r: Obj) => r.ports[0].port !== 53).every((r: Obj) => r.to.every((t: Obj) => t.ipBlock && !t.ipBlock.cidr.startsWith('0.0.0.0'))), 'egress only to named ranges');
    assert.equal(np.metadata.namespace, MCP_HUB_NAMESPACE);
  });
});

describe('MCP hub audit writer: the loader over a spool (sh, a stand-in psql)', () => {
  for (const [name, script] of [['load.sh', LOAD_SH], ['refresh.sh', REFRESH_SH]]) {
    it(`${name} is valid POSIX sh`, () => {
      execFileSync('sh', ['-n'], { input: script });
      assert.throws(() => execFileSync('sh', ['-n'], { input: `${script}\nif then`, stdio: 'pipe' }));
    });
  }

  /** The loader in a sandbox: its paths under a temporary folder, psql a stand-in that records each batch (failing while `fail` exists). */
  function sandbox(loadSh: string) {
    const root = mkdtempSync(join(tmpdir(), 'mcp-loader-'));
    const dirs = { spool: join(root, 'spool'), tokens: join(root, 'tokens'), scripts: join(root, 'scripts'), tmp: join(root, 'tmp'), bin: join(root, 'bin') };
    for (const d of Object.values(dirs)) mkdirSync(d);
    writeFileSync(join(dirs.tokens, 'postgres'), 'token');
    const sent = join(root, 'sent');
    const failFlag = join(root, 'fail');
    // The stand-in answers like the function: the number of records.
    writeFileSync(join(dirs.bin, 'psql'), `#!/bin/sh\n[ -e ${failFlag} ] && { echo "connection refused" >&2; exit 2; }\ncat ${dirs.tmp}/batch >> ${sent}\nwc -l < ${dirs.tmp}/batch\n`);
    chmodSync(join(dirs.bin, 'psql'), 0o755);
    // /tmp first: the sandbox itself lies under the system's temporary folder.
    const script = loadSh.replaceAll('/tmp/', `${dirs.tmp}/`).replaceAll(SPOOL_DIR, dirs.spool).replaceAll(TOKENS_DIR, dirs.tokens).replaceAll(SCRIPTS_DIR, dirs.scripts)
      .replace(`sleep ${LOAD_INTERVAL_SECONDS} &`, 'sleep 0.1 &');
    assert.deepEqual(script.replaceAll(root, 'SANDBOX').match(/(^|[^A-Za-z])\/(tmp|var|run|etc)\//gm), null, 'every path of the script is in the sandbox');
    let log = '';
    let child: ReturnType<typeof spawn> | undefined;
    return {
      root, dirs, failFlag,
      spool: join(dirs.spool, SPOOL_FILE),
      log: () => log,
      start() {
        child = spawn('sh', ['-c', script], { env: { ...process.env, PATH: `${dirs.bin}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout!.on('data', (d) => (log += d));
        child.stderr!.on('data', (d) => (log += d));
      },
      sentLines: () => (existsSync(sent) ? readFileSync(sent, 'utf8').split('\n').filter(Boolean) : []),
      async until(what: string, ok: () => boolean) {
        for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(ok(), `${what}\n${log}`);
      },
      async stop() {
        if (child && child.exitCode === null) {
          child.kill('SIGTERM');
          await new Promise((r) => child!.once('exit', r));
        }
        rmSync(root, { recursive: true, force: true });
      },
    };
  }
  const l = (n: number) => `{"resourceLogs":[{"n":${n}}]}\n`;

  it('sends every complete line once and in order, keeps a partial line, deletes a loaded rotated file, and resends a failed batch', async () => {
    const box = sandbox(LOAD_SH);
    const { dirs, spool, failFlag, sentLines, until } = box;
    writeFileSync(spool, l(1) + l(2) + '{"resourceLogs":[{"n":3');
    box.start();
    const log = box.log;
    try {
      await until('the first two lines are sent', () => sentLines().length === 2);
      assert.deepEqual(sentLines(), [l(1), l(2)].map((x) => x.trim()), 'the partial third line waits');
      // The collector completes line 3, writes 4, rotates (rename: same inode), and writes 5 to a new file.
      appendFileSync(spool, '}]}\n' + l(4));
      await until('lines 3 and 4 are sent', () => sentLines().length === 4);
      renameSync(spool, join(dirs.spool, 'events-2026-11-30T14-10-00.000.jsonl'));
      writeFileSync(spool, l(5));
      await until('line 5 is sent and the rotated file deleted', () => sentLines().length === 5 && !readdirSync(dirs.spool).some((f) => f.startsWith('events-')));
      // The database is away: the batch fails and is sent again once it is back.
      writeFileSync(failFlag, '');
      appendFileSync(spool, l(6));
      await until('the failure is reported', () => /lines 2-2 not loaded; retrying/.test(log()));
      unlinkSync(failFlag);
      await until('line 6 is sent after the failure', () => sentLines().length === 6);
      assert.deepEqual(sentLines(), [1, 2, 3, 4, 5, 6].map((n) => l(n).trim()), 'each line exactly once, in order');
      // The liveness probe passes after a successful round, and fails without one (negative control).
      const probe = (sh: string) => { try { execFileSync('sh', ['-c', sh.replaceAll('/tmp/', `${dirs.tmp}/`).replaceAll(SHARED_TOKENS_DIR, dirs.tokens)], { stdio: 'pipe' }); return true; } catch { return false; } };
      assert.ok(probe(LOADER_LIVE_SH), 'live after a successful round');
      assert.ok(probe(TOKEN_FRESH_SH), 'a token written just now is fresh');
      unlinkSync(join(dirs.tmp, 'last-success'));
      unlinkSync(join(dirs.tokens, 'postgres'));
      assert.ok(!probe(LOADER_LIVE_SH) && !probe(TOKEN_FRESH_SH), 'not live without a successful round, not fresh without a token');
    } finally {
      await box.stop();
    }
  });

  it('the same checks catch a loader that forgets what it loaded (negative control: no per-file line count)', async () => {
    const forgetful = LOAD_SH.replace('echo "$lines" > "$state/$inode"', ':');
    assert.notEqual(forgetful, LOAD_SH);
    const box = sandbox(forgetful);
    writeFileSync(box.spool, l(1) + l(2));
    box.start();
    try {
      await box.until('the forgetful loader sends line 1 again', () => box.sentLines().length > 2);
      assert.notDeepEqual(box.sentLines(), [l(1), l(2)].map((x) => x.trim()));
    } finally {
      await box.stop();
    }
  });
});
