/**
 * Regenerates catalog/provider-facts/<provider>.json: for every resource type of the pinned
 * azurerm, kubernetes and helm providers, which attribute changes force replacement, which are
 * updated in place, which are sensitive, and the conditional rules the provider applies in code
 * (CustomizeDiff ForceNew, update-time guards, node-pool rotation). The review reads only this
 * data; nothing here runs in tests or CI.
 *
 * The facts come from the providers' own sources at the exact pinned tags: the schema is read by
 * running a small Go program inside each provider's module (scripts/provider-facts/*.go.txt),
 * the code-level rules by scanning the resource's Go file. Run it after bumping a provider:
 *
 *   node --import tsx scripts/provider-facts.ts --azurerm <git dir> --kubernetes <git dir> --helm <git dir>
 *
 * Each <git dir> is a clone (bare is fine) of hashicorp/terraform-provider-<name> that has the
 * tag v<pinned version>; only the providers named are regenerated. Needs Go and the module proxy
 * (the build downloads the provider's dependencies; azurerm takes ~20 minutes on 2 cores).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FACTS_DIR, PROVIDERS, pinnedProviderVersion, type ConditionalRule, type GuardRule, type ProviderFacts, type ProviderName, type ResourceFacts } from '../catalog/provider-facts';

const HERE = resolve(__dirname, 'provider-facts');

type Rules = Pick<ResourceFacts, 'conditional' | 'guards' | 'rotation'>;

interface Target {
  /** Go program template and where inside the module it is placed (internal/ rules apply). */
  readonly template: 'sdkv2.go.txt' | 'framework.go.txt';
  readonly programDir: string;
  readonly importPath: string;
  readonly call: string;
  /** Code spliced into the template for resources outside the main schema map. */
  readonly extra?: { imports: string[]; file: string };
  /** Static scan of the resource files for rules the schema cannot express. */
  readonly scan: (src: string, types: string[]) => Record<string, Partial<Rules> & { forceNew?: string[] }>;
}

const TARGETS: Record<ProviderName, Target> = {
  azurerm: {
    template: 'sdkv2.go.txt',
    programDir: 'internal/tools/platform-provider-facts',
    importPath: 'github.com/hashicorp/terraform-provider-azurerm/internal/provider',
    call: 'provider.AzureProvider()',
    scan: scanAzurerm,
  },
  kubernetes: {
    template: 'sdkv2.go.txt',
    programDir: 'internal/platform-provider-facts',
    importPath: 'github.com/hashicorp/terraform-provider-kubernetes/kubernetes',
    call: 'provider.Provider()',
    extra: {
      imports: ['"github.com/hashicorp/terraform-plugin-go/tfprotov5"', 'manifest "github.com/hashicorp/terraform-provider-kubernetes/manifest/provider"'],
      file: 'protov5-extra.go.txt',
    },
    scan: scanKubernetesManifest,
  },
  helm: {
    template: 'framework.go.txt',
    programDir: 'internal/platform-provider-facts',
    importPath: 'github.com/hashicorp/terraform-provider-helm/helm',
    call: 'target.New("facts")()',
    scan: () => ({}),
  },
};

function log(msg: string) {
  process.stderr.write(`[provider-facts] ${msg}\n`);
}

/**
 * The tag's tree without vendor/ and test data (snapshots may lack their large files; the module
 * proxy serves the dependencies, and the facts need no tests).
 */
function checkout(gitDir: string, tag: string): string {
  const dest = mkdtempSync(join(tmpdir(), 'provider-src-'));
  const archive = spawnSync('git', ['--git-dir', gitDir, 'archive', '--format=tar', tag, '--', '.', ':(exclude)vendor', ':(exclude,glob)**/testdata/**'], { maxBuffer: 4 * 1024 * 1024 * 1024 });
  if (archive.status !== 0) throw new Error(`git archive ${tag} in ${gitDir} failed: ${archive.stderr}`);
  execFileSync('tar', ['-x', '-C', dest], { input: archive.stdout, maxBuffer: 4 * 1024 * 1024 * 1024 });
  return dest;
}

function schemaFacts(src: string, target: Target): Record<string, Pick<ResourceFacts, 'forceNew' | 'inPlace' | 'computed' | 'sensitive'>> {
  let program = readFileSync(join(HERE, target.template), 'utf8').replace('PROVIDER_IMPORT', target.importPath).replace('PROVIDER_CALL', target.call);
  if (target.extra) {
    program = program
      .replace('// EXTRA_IMPORTS', target.extra.imports.join('\n\t'))
      .replace('// EXTRA_RESOURCES', readFileSync(join(HERE, target.extra.file), 'utf8').replace(/^\/\/.*\n/gm, ''));
  }
  const dir = join(src, target.programDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.go'), program);
  const res = spawnSync('go', ['run', `./${target.programDir}`], {
    cwd: src,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
    maxBuffer: 512 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`go run failed in ${src}:\n${res.stderr.slice(-4000)}`);
  return JSON.parse(res.stdout);
}

const normalize = (attr: string) => attr.replace(/\.\d+(?=\.|$)/g, '');

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** The text of a call starting at `start` up to its balanced closing parenthesis. */
function callText(text: string, start: number): string {
  let depth = 0;
  for (let i = text.indexOf('(', start); i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start, start + 400);
}

/** The lines leading up to `index` (the condition that guards a bare ForceNew call). */
function context(text: string, index: number, lines = 8): string {
  const before = text.slice(0, index).split('\n');
  const end = text.indexOf('\n', index);
  return [...before.slice(-lines - 1, -1), before[before.length - 1] + text.slice(index, end < 0 ? undefined : end)].map((l) => l.replace(/\t/g, '  ')).join('\n');
}

function scanFile(file: string, root: string): Pick<ResourceFacts, 'conditional' | 'guards' | 'rotation'> {
  const text = readFileSync(file, 'utf8');
  const where = (i: number) => `${relative(root, file)}:${lineOf(text, i)}`;
  const conditional: ConditionalRule[] = [];
  for (const m of text.matchAll(/ForceNewIf(?:Change)?\("([^"]+)"/g)) {
    conditional.push({ attribute: normalize(m[1]), source: where(m.index!), code: callText(text, m.index!).replace(/\t/g, '  ') });
  }
  for (const m of text.matchAll(/\b\w+\.ForceNew\("([^"]+)"\)/g)) {
    conditional.push({ attribute: normalize(m[1]), source: where(m.index!), code: context(text, m.index!) });
  }
  const guards: GuardRule[] = [];
  for (const m of text.matchAll(/fmt\.Errorf\("((?:[^"\\]|\\.)*(?:cannot be|can not be|cannot)(?:[^"\\]|\\.)*)"/g)) {
    const attributes = [...m[1].matchAll(/`([a-z0-9_.]+)(?:\s*=[^`]*)?`/g)].map((a) => normalize(a[1]));
    if (attributes.length > 0 && !/must be specified/.test(m[1])) guards.push({ attributes: [...new Set(attributes)], message: m[1], source: where(m.index!) });
  }
  const rotation: string[] = [];
  const cycle = /cycleNodePoolProperties\s*:?=\s*\[\]string\{([^}]*)\}/.exec(text);
  if (cycle) {
    for (const item of cycle[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      const literal = /^"([^"]+)"$/.exec(item)?.[1] ?? new RegExp(`\\b${item}\\s*:=\\s*"([^"]+)"`).exec(text)?.[1];
      if (!literal) throw new Error(`${where(cycle.index)}: cannot resolve rotation property ${item}`);
      rotation.push(normalize(literal));
    }
  }
  return { conditional, guards, rotation: rotation.sort() };
}

function goFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? goFiles(join(dir, e.name)) : e.name.endsWith('.go') && !e.name.endsWith('_test.go') ? [join(dir, e.name)] : []));
}

/** azurerm: untyped resources are registered as "type": resourceFunc() and defined in their service; typed ones name their type in ResourceType(). */
export function scanAzurerm(src: string, types: string[]) {
  const services = join(src, 'internal/services');
  const files = goFiles(services);
  const fileOf = new Map<string, string>();
  const defs = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^func (\w+)\(\) \*pluginsdk\.Resource \{/gm)) defs.set(`${dirname(file)}:${m[1]}`, file);
    for (const m of text.matchAll(/ResourceType\(\) string \{\s*return "(azurerm_[a-z0-9_]+)"/g)) fileOf.set(m[1], file);
  }
  for (const file of files.filter((f) => f.endsWith('registration.go'))) {
    const text = readFileSync(file, 'utf8');
    const resources = /SupportedResources\(\)[^{]*\{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
    for (const m of resources.matchAll(/"(azurerm_[a-z0-9_]+)":\s*(\w+)\(\)/g)) {
      const def = defs.get(`${dirname(file)}:${m[2]}`);
      if (def) fileOf.set(m[1], def);
    }
  }
  const out: Record<string, Pick<ResourceFacts, 'conditional' | 'guards' | 'rotation'>> = {};
  for (const type of types) {
    const file = fileOf.get(type);
    out[type] = file ? scanFile(file, src) : { conditional: [], guards: [], rotation: [] };
  }
  return out;
}

/** kubernetes_manifest decides replacement in its plan function rather than its schema. */
function scanKubernetesManifest(src: string) {
  const file = join(src, 'manifest/provider/plan.go');
  const text = readFileSync(file, 'utf8');
  const forceNew: string[] = [];
  for (const m of text.matchAll(/resp\.RequiresReplace = append\(resp\.RequiresReplace,([\s\S]*?)\n\t*\)/g)) {
    for (const p of m[1].matchAll(/tftypes\.NewAttributePath\(\)((?:\.WithAttributeName\("[^"]+"\))+)/g)) {
      forceNew.push([...p[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]).join('.'));
    }
  }
  if (forceNew.length === 0) throw new Error(`${file}: found no RequiresReplace paths; the scan needs updating for this provider version`);
  const schemaless = /resp\.RequiresReplace = \[\]\*tftypes\.AttributePath\{/.exec(text);
  const conditional: ConditionalRule[] = schemaless
    ? [{ attribute: 'manifest', source: `${relative(src, file)}:${lineOf(text, schemaless.index)}`, code: 'a kind without an OpenAPI schema (CRD without a structural schema): every change of manifest replaces the object' }]
    : [];
  return { kubernetes_manifest: { forceNew, conditional } };
}

function generate(name: ProviderName, gitDir: string): ProviderFacts {
  const version = pinnedProviderVersion(name);
  const tag = `v${version}`;
  const target = TARGETS[name];
  log(`${name} ${tag}: extracting ${gitDir}`);
  const src = checkout(gitDir, tag);
  try {
    log(`${name}: building and running the schema reader (the first build downloads the provider's modules)`);
    const schema = schemaFacts(src, target);
    const scans = target.scan(src, Object.keys(schema));
    const resources: Record<string, ResourceFacts> = {};
    for (const type of Object.keys(schema).sort()) {
      const scan = scans[type] ?? {};
      resources[type] = {
        ...schema[type],
        forceNew: [...new Set([...schema[type].forceNew, ...(scan.forceNew ?? [])])].sort(),
        conditional: scan.conditional ?? [],
        guards: scan.guards ?? [],
        rotation: scan.rotation ?? [],
      };
    }
    return { provider: name, version, source: `github.com/hashicorp/terraform-provider-${name}@${tag}`, generatedBy: 'scripts/provider-facts.ts', resources };
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

/** One line per resource type, so a provider bump reads as a diff of the types that changed. */
function serialize(facts: ProviderFacts): string {
  const { resources, ...meta } = facts;
  const head = Object.entries(meta).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const rows = Object.keys(resources)
    .sort()
    .map((type, i, all) => `    ${JSON.stringify(type)}: ${JSON.stringify(resources[type])}${i < all.length - 1 ? ',' : ''}`);
  return ['{', ...head, '  "resources": {', ...rows, '  }', '}', ''].join('\n');
}

function main() {
  const { values } = parseArgs({ options: { azurerm: { type: 'string' }, kubernetes: { type: 'string' }, helm: { type: 'string' } } });
  const wanted = PROVIDERS.filter((p) => values[p]);
  if (wanted.length === 0) {
    process.stderr.write('usage: scripts/provider-facts.ts [--azurerm <git dir>] [--kubernetes <git dir>] [--helm <git dir>]\n');
    process.exit(2);
  }
  mkdirSync(FACTS_DIR, { recursive: true });
  for (const name of wanted) {
    const dir = resolve(String(values[name]));
    if (!existsSync(dir)) throw new Error(`${dir} does not exist`);
    const facts = generate(name, dir);
    const file = join(FACTS_DIR, `${name}.json`);
    writeFileSync(file, serialize(facts));
    log(`${name}: wrote ${Object.keys(facts.resources).length} resource types to ${relative(process.cwd(), file)}`);
  }
}

if (require.main === module) main();
