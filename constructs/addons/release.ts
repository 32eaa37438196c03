/**
 * One Helm release of a catalogued add-on: the exact chart version, the platform's typed values
 * merged with the environment's overrides and checked against the chart's strict schema, and
 * deliberate release settings (atomic, wait, timeouts).
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { Release } from '@cdktf/provider-helm/lib/release';
import { stringify } from 'yaml';
import { ADDONS, EXACT_VERSION, releaseName, type AddonName } from '../../catalog/addons';
import { ADDON_VALUES } from '../../catalog/chart-values';

export class AddonConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddonConfigError';
  }
}

export interface AddonReleaseProps {
  readonly addon: AddonName;
  /** The platform's values for the chart (typed by its schema in values/). */
  readonly values: Record<string, unknown>;
  /** From the environment file: another exact version, value overrides. */
  readonly override?: { readonly version?: string; readonly values?: unknown };
  /** Seconds Helm waits for the release to become ready before rolling it back. */
  readonly timeoutSeconds?: number;
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Secret chart values (Helm `--set` paths -> Terraform expressions), passed write-only: never
   * in the plan or the state. Terraform re-sends them only when `revision` changes.
   */
  readonly writeOnly?: { readonly values: Readonly<Record<string, string>>; readonly revision: number };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Terraform reads every JSON string as a template, so a literal `${...}` or `%{...}` in chart
 * values (the collector's `${env:MY_POD_IP}`) must be escaped; cdktf's own tokens must not be.
 */
export function escapeTemplates(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, '$$${').replace(/%\{/g, '%%{');
}

/** Overrides win; objects merge key by key, lists are replaced whole (as Helm does). */
export function mergeValues(base: Json, override: unknown): Json {
  if (!isObject(override)) return base;
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = isObject(value) && isObject(out[key]) ? mergeValues(out[key] as Json, value) : value;
  return out;
}

export function chartVersion(addon: AddonName, override?: string): string {
  const version = override ?? ADDONS[addon].version;
  if (!EXACT_VERSION.test(version)) {
    throw new AddonConfigError(`add-on ${addon}: chart version "${version}" is not exact; pin one version such as 1.2.3 in catalog/addons.ts or addons.${addon}.version`);
  }
  return version;
}

export class AddonRelease extends Construct {
  readonly release: Release;
  readonly values: Json;

  constructor(scope: Construct, id: string, props: AddonReleaseProps) {
    super(scope, id);
    const spec = ADDONS[props.addon];
    this.values = mergeValues(props.values, props.override?.values);
    const checked = ADDON_VALUES[props.addon].safeParse(this.values);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => {
        const where = [...i.path, ...(i.code === 'unrecognized_keys' ? [i.keys.join(', ')] : [])].join('.');
        return `  ${where}: ${i.message}`;
      });
      throw new AddonConfigError(
        `add-on ${props.addon}: values for chart ${spec.chart} are not valid:\n${issues.join('\n')}\n` +
          `  fix: use a key typed in catalog/chart-values/ (add it there first if the chart needs it)`,
      );
    }
    this.release = new Release(this, 'release', {
      name: releaseName(props.addon),
      chart: spec.chart,
      repository: spec.repository,
      version: chartVersion(props.addon, props.override?.version),
      namespace: spec.namespace,
      // Namespaces are created by the stack with their labels, quotas and network policies.
      createNamespace: false,
      // A failed install or upgrade rolls back instead of leaving a half-applied release.
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      waitForJobs: true,
      timeout: props.timeoutSeconds ?? 600,
      maxHistory: 10,
      // Upgrades replace values with exactly these; nothing set by hand survives.
      resetValues: true,
      // No anchors: shared objects are written out in full, as a reviewer reads them.
      values: [escapeTemplates(stringify(this.values, { lineWidth: 0, sortMapEntries: true, aliasDuplicateObjects: false }))],
      ...(props.writeOnly ? { setWo: Object.entries(props.writeOnly.values).map(([name, value]) => ({ name, value, type: 'string' })), setWoRevision: props.writeOnly.revision } : {}),
      ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
    });
  }
}

export type AddonReleases = Partial<Record<AddonName, AddonRelease>>;

/**
 * Installs an enabled add-on after the releases of the add-ons it depends on (catalogue edges)
 * and after `extra` (its namespace, a secret it reads); records it in `releases`.
 */
export function installAddon(
  scope: Construct,
  releases: AddonReleases,
  props: Omit<AddonReleaseProps, 'override' | 'dependsOn'> & { readonly config: { readonly enabled: boolean; readonly version?: string; readonly values?: unknown }; readonly extra?: ITerraformDependable[] },
): AddonRelease | undefined {
  if (!props.config.enabled) return undefined;
  const deps = Object.keys(ADDONS[props.addon].dependsOn).flatMap((d) => releases[d as AddonName]?.release ?? []);
  const release = new AddonRelease(scope, props.addon, { ...props, override: props.config, dependsOn: [...(props.extra ?? []), ...deps] });
  releases[props.addon] = release;
  return release;
}
