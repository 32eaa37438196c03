/**
 * The risk section: security-relevant changes, reported even when nothing is destroyed. Each
 * rule reads the synthesized stacks or the rendered apps of both sides; what blocks is said per
 * rule (widened API ranges block everywhere, the rest blocks in production).
 */
import { coveredBy, coversAllAddresses, prefixOf } from '../../../catalog/cidr';
import { MIN_ALLOWED_PREFIX } from '../../../config/guard-rails';
import type { SynthOutput } from './diff';
import { POLICY_APP } from '../../../charts/app-names';
import { objectName, type ObjectChange } from './gitops';
import { envOf, isProduction, type EnvironmentInfo, type Finding, type Level, type ResourceChange } from './model';

type Json = Record<string, any>;

/** Switches whose secure value is the first one: moving to the second opens something up. */
const PUBLIC_SWITCHES: Record<string, [unknown, unknown]> = {
  public_network_access_enabled: [false, true],
  public_network_access: ['Disabled', 'Enabled'],
  private_cluster_enabled: [true, false],
  private_cluster_public_fqdn_enabled: [false, true],
  node_public_ip_enabled: [false, true],
  local_account_disabled: [true, false],
  local_authentication_enabled: [false, true],
  shared_access_key_enabled: [false, true],
  access_keys_authentication_enabled: [false, true],
  allow_nested_items_to_be_public: [false, true],
  anonymous_pull_enabled: [false, true],
  admin_enabled: [false, true],
  non_ssl_port_enabled: [false, true],
};

/** Attribute paths (list indexes removed) that hold IP allow-lists. */
const ALLOW_LISTS = new Set(['api_server_access_profile.authorized_ip_ranges', 'network_acls.ip_rules', 'network_rules.ip_rules', 'network_rule_set.ip_rule.ip_range']);


const PSA_LEVELS = ['privileged', 'baseline', 'restricted'];
const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';
const INTERNAL_LB = 'service.beta.kubernetes.io/azure-load-balancer-internal';
const ADMISSION_CHART = 'gatekeeper';
/** The retired ingress controller: removing its release moves every entry point to the Gateway API. */
const RETIRED_INGRESS_CHART = 'ingress-nginx';

interface Context {
  readonly base: SynthOutput;
  readonly head: SynthOutput;
  readonly environments: EnvironmentInfo[];
}



function resourceConfig(side: SynthOutput, c: Pick<ResourceChange, 'stack' | 'type' | 'id'>): Json | undefined {
  return side.stacks[c.stack]?.resource?.[c.type]?.[c.id];
}

/** Every value of an attribute path in a resource config, lists flattened. */
function valuesAt(config: Json | undefined, path: string): unknown[] {
  let cur: unknown[] = [config];
  for (const key of path.split('.')) {
    cur = cur.flatMap((v) => (Array.isArray(v) ? v : [v])).flatMap((v) => (v && typeof v === 'object' ? [(v as Json)[key]] : []));
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined);
}

function level(ctx: Context, env: string, production: Level = 'error', other: Level = 'warning'): Level {
  return isProduction(ctx.environments, env) ? production : other;
}

function publicAccess(ctx: Context, changes: ResourceChange[]): Finding[] {
  const out: Finding[] = [];
  for (const c of changes) {
    const after = resourceConfig(ctx.head, c);
    const before = c.action === 'create' ? undefined : resourceConfig(ctx.base, c);
    if (!after) continue;
    for (const [attr, [secure, open]] of Object.entries(PUBLIC_SWITCHES)) {
      const now = valuesAt(after, attr);
      const was = before ? valuesAt(before, attr) : [secure];
      if (now.includes(open) && !was.includes(open)) {
        out.push({ level: level(ctx, c.env), rule: 'public-access', env: c.env, stack: c.stack, path: c.path, message: `${c.path} (${c.type}): ${attr} ${JSON.stringify(was[0] ?? '(unset)')} -> ${JSON.stringify(open)}${c.action === 'create' ? ' on a new resource' : ''}` });
      }
    }
    if (c.type === 'azurerm_network_security_group') {
      const inbound = (cfg: Json | undefined) =>
        (cfg?.security_rule ?? []).filter((r: Json) => r.direction === 'Inbound' && r.access === 'Allow' && ['*', 'Internet', '0.0.0.0/0'].includes(r.source_address_prefix)).map((r: Json) => `${r.name} (${r.protocol} ${r.destination_port_range ?? (r.destination_port_ranges ?? []).join(',')})`);
      const added = inbound(after).filter((r: string) => !inbound(before).includes(r));
      if (added.length) out.push({ level: level(ctx, c.env), rule: 'public-access', env: c.env, stack: c.stack, path: c.path, message: `${c.path}: new inbound rules from the internet: ${added.join(', ')}` });
    }
    if (c.type === 'helm_release') {
      const internal = (cfg: Json | undefined) => (cfg?.values ?? []).some((v: string) => new RegExp(`${INTERNAL_LB.replace(/[./]/g, '\\$&')}["']?:\\s*["']?true`).test(v));
      if (before && internal(before) && !internal(after)) {
        out.push({ level: level(ctx, c.env), rule: 'public-access', env: c.env, stack: c.stack, path: c.path, message: `${c.path}: the ${after.name} load balancer is no longer internal (its service loses ${INTERNAL_LB}: "true")` });
      }
    }
  }
  return out;
}

function allowLists(ctx: Context, changes: ResourceChange[]): Finding[] {
  const out: Finding[] = [];
  for (const c of changes.filter((x) => x.action !== 'delete')) {
    const after = resourceConfig(ctx.head, c);
    const before = c.action === 'create' ? undefined : resourceConfig(ctx.base, c);
    for (const list of ALLOW_LISTS) {
      const now = valuesAt(after, list).map(String);
      const was = before ? valuesAt(before, list).map(String) : [];
      const added = now.filter((r) => !was.includes(r) && !(was.length && coveredBy(r, was)));
      if (added.length === 0) continue;
      const wide = added.filter((r) => prefixOf(r) < MIN_ALLOWED_PREFIX);
      const everything = coversAllAddresses(now);
      const blocks = wide.length > 0 || everything;
      out.push({
        level: blocks ? 'error' : 'warning',
        rule: 'allow-list-widened',
        env: c.env,
        stack: c.stack,
        path: c.path,
        message: `${c.path}: ${list} admits ${added.join(', ')}${everything ? '; together the ranges admit every address (0.0.0.0/0)' : wide.length ? `; ${wide.join(', ')} is wider than /${MIN_ALLOWED_PREFIX}` : ''}`,
      });
    }
  }
  return out;
}

function addonsAndCharts(ctx: Context, changes: ResourceChange[]): Finding[] {
  const out: Finding[] = [];
  for (const c of changes.filter((x) => x.type === 'helm_release')) {
    const before = resourceConfig(ctx.base, c);
    const after = resourceConfig(ctx.head, c);
    if (c.action === 'delete' && before?.chart === RETIRED_INGRESS_CHART) {
      out.push({
        level: 'warning',
        rule: 'edge-switch',
        env: c.env,
        stack: c.stack,
        path: c.path,
        message: `the ingress controller ${before.chart} (release ${before.name}) is removed from ${c.env}: every UI and API moves to the Gateway API (Envoy Gateway, <env>-cluster-config); Ingress objects stop being served, and the load balancer address moves to the Gateway's Service (deploy addons and cluster-config back to back; docs/gateway.md#migrating-from-the-ingress-based-setup)`,
      });
      continue;
    }
    if (c.action === 'delete' && before) {
      const admission = before.chart === ADMISSION_CHART;
      out.push({
        level: admission ? level(ctx, c.env) : 'warning',
        rule: admission ? 'admission-control-removed' : 'addon-removed',
        env: c.env,
        stack: c.stack,
        path: c.path,
        message: admission
          ? `Gatekeeper (release ${before.name}) is removed from ${c.env}: no admission policy is enforced there any more`
          : `add-on ${before.chart} (release ${before.name}) is removed from ${c.env}`,
      });
    }
    if (before && after && before.version !== after.version) {
      const major = (v: string) => Number(String(v).replace(/^v/, '').split('.')[0]);
      if (major(after.version) !== major(before.version)) {
        out.push({
          level: 'warning',
          rule: 'chart-major-version',
          env: c.env,
          stack: c.stack,
          path: c.path,
          message: `chart ${after.chart} ${before.version} -> ${after.version} (major version ${major(after.version) > major(before.version) ? 'upgrade' : 'downgrade'}): read its upgrade notes; CRDs and values may change`,
        });
      }
    }
    if (ADMISSION_CHART === after?.chart && before) {
      const policy = (cfg: Json) => /validatingWebhookFailurePolicy:\s*["']?(\w+)/.exec((cfg.values ?? []).join('\n'))?.[1];
      if (policy(before) === 'Fail' && policy(after) !== 'Fail') {
        out.push({ level: level(ctx, c.env), rule: 'admission-weakened', env: c.env, stack: c.stack, path: c.path, message: `Gatekeeper's webhook no longer fails closed (${policy(before)} -> ${policy(after) ?? '(chart default)'}): requests pass unchecked while it is down` });
      }
    }
  }
  return out;
}

const SUBSCRIPTION_SCOPE = /^(\/subscriptions\/[^/]+|\$\{data\.azurerm_subscription\.[^}]+\.id\}|\/subscriptions\/\$\{[^}]+\})\/?$/;

function roleAssignments(ctx: Context, changes: ResourceChange[]): Finding[] {
  return changes
    .filter((c) => c.type === 'azurerm_role_assignment' && (c.action === 'create' || c.action === 'replace' || c.attributes.some((a) => a.path === 'scope')))
    .flatMap((c) => {
      const cfg = resourceConfig(ctx.head, c);
      if (!cfg || !SUBSCRIPTION_SCOPE.test(String(cfg.scope))) return [];
      return [{ level: level(ctx, c.env), rule: 'subscription-role', env: c.env, stack: c.stack, path: c.path, message: `${c.path}: ${cfg.role_definition_name ?? cfg.role_definition_id} at subscription scope (${cfg.scope}): scope it to the resource group or resource that needs it` }];
    });
}

function podSecurity(ctx: Context, changes: ResourceChange[], objects: ObjectChange[]): Finding[] {
  const out: Finding[] = [];
  const weaker = (was: unknown, now: unknown) => PSA_LEVELS.indexOf(String(now ?? 'privileged')) < PSA_LEVELS.indexOf(String(was ?? 'privileged'));
  for (const c of changes.filter((x) => x.type === 'kubernetes_namespace_v1' && x.action !== 'delete' && x.action !== 'create')) {
    const was = resourceConfig(ctx.base, c)?.metadata?.labels?.[PSA_ENFORCE];
    const now = resourceConfig(ctx.head, c)?.metadata?.labels?.[PSA_ENFORCE];
    if (weaker(was, now)) out.push({ level: level(ctx, c.env), rule: 'pod-security-weakened', env: c.env, stack: c.stack, path: c.path, message: `namespace ${resourceConfig(ctx.head, c)?.metadata?.name}: Pod Security enforce ${was} -> ${now ?? '(unset: privileged)'}` });
  }
  for (const o of objects.filter((x) => x.kind === 'Namespace' && x.action === 'update')) {
    const f = o.fields.find((x) => x.path === `metadata.labels.${PSA_ENFORCE}`);
    if (f && weaker(f.before, f.after)) out.push({ level: level(ctx, o.env), rule: 'pod-security-weakened', env: o.env, message: `namespace ${o.name} (${o.app}): Pod Security enforce ${f.before} -> ${f.after ?? '(unset: privileged)'}` });
  }
  return out;
}

const RANK = ['dryrun', 'warn', 'deny'];

function admissionPolicies(ctx: Context, objects: ObjectChange[]): Finding[] {
  const out: Finding[] = [];
  for (const o of objects.filter((x) => x.apiVersion.startsWith('constraints.gatekeeper.sh/') || x.kind === 'ConstraintTemplate')) {
    const where = { env: o.env, level: level(ctx, o.env) };
    if (o.action === 'delete') {
      out.push({ ...where, rule: 'admission-weakened', message: `${objectName(o)} is removed from ${o.env}: its rule no longer applies` });
      continue;
    }
    if (o.action !== 'update' || o.kind === 'ConstraintTemplate') continue;
    const action = o.fields.find((f) => f.path === 'spec.enforcementAction');
    if (action && RANK.indexOf(String(action.after ?? 'deny')) < RANK.indexOf(String(action.before ?? 'deny'))) {
      out.push({ ...where, rule: 'admission-weakened', message: `${objectName(o)}: enforcement ${action.before} -> ${action.after} in ${o.env}` });
    }
    const params = o.fields.filter((f) => f.path.startsWith('spec.parameters.') || f.path.startsWith('spec.match.'));
    if (params.length) {
      out.push({ level: 'warning', env: o.env, rule: 'admission-parameters', message: `${objectName(o)}: ${params.map((f) => `${f.path} ${JSON.stringify(f.before ?? null)} -> ${JSON.stringify(f.after ?? null)}`).join('; ')}` });
    }
  }
  return out;
}

/** An Application removed from the app of apps: Argo CD prunes everything it synced. */
function removedApps(ctx: Context, objects: ObjectChange[]): Finding[] {
  return objects
    .filter((o) => o.kind === 'Application' && o.apiVersion.startsWith('argoproj.io/') && o.action === 'delete')
    .map((o) =>
      o.name === POLICY_APP
        ? { level: level(ctx, o.env), rule: 'admission-weakened', env: o.env, message: `Argo CD application ${o.name} is removed from ${o.env}: its ConstraintTemplates and constraints are pruned` }
        : { level: 'warning' as const, rule: 'gitops-app-removed', env: o.env, message: `Argo CD application ${o.name} is removed from ${o.env}: everything it synced is pruned` },
    );
}

const manifestOf = (cfg: Json | undefined): Json | undefined => cfg?.manifest;

/**
 * The platform Gateway (kubernetes_manifest of the cluster-config stack): a new or removed Gateway,
 * a listener that starts admitting routes from every namespace, and a data plane whose load
 * balancer stops being internal.
 */
function gateways(ctx: Context, changes: ResourceChange[]): Finding[] {
  const out: Finding[] = [];
  for (const c of changes.filter((x) => x.type === 'kubernetes_manifest')) {
    const before = manifestOf(resourceConfig(ctx.base, c));
    const after = manifestOf(resourceConfig(ctx.head, c));
    const m = after ?? before;
    const name = `${m?.kind} ${m?.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m?.metadata?.name}`;
    const where = { env: c.env, stack: c.stack, path: c.path };
    if (m?.kind === 'Gateway' && m.apiVersion?.startsWith('gateway.networking.k8s.io/')) {
      const hosts = (g: Json | undefined) => ((g?.spec?.listeners ?? []) as Json[]).map((l) => `${l.name} ${l.protocol}/${l.port}${l.hostname ? ` ${l.hostname}` : ''}`);
      if (c.action === 'create' || c.action === 'replace') {
        out.push({ ...where, level: 'warning', rule: 'gateway-added', message: `${name} is ${c.action === 'create' ? 'created' : 'replaced'} in ${c.env} with listeners ${hosts(after).join(', ')}: traffic to these hosts is served by it` });
      }
      if (c.action === 'delete') {
        out.push({ ...where, level: level(ctx, c.env), rule: 'gateway-removed', message: `${name} is removed from ${c.env}: every route attached to it stops being served` });
      }
      const open = (g: Json | undefined) => ((g?.spec?.listeners ?? []) as Json[]).filter((l) => l.allowedRoutes?.namespaces?.from === 'All').map((l) => l.name);
      const opened = open(after).filter((l) => !open(before).includes(l));
      if (opened.length) {
        out.push({ ...where, level: level(ctx, c.env), rule: 'gateway-routes-opened', message: `${name}: listener ${opened.join(', ')} admits routes from every namespace (allowedRoutes from All): any tenant may attach hosts there` });
      }
    }
    if (m?.kind === 'EnvoyProxy' && before && after) {
      const internal = (p: Json) => p?.spec?.provider?.kubernetes?.envoyService?.annotations?.[INTERNAL_LB] === 'true';
      if (internal(before) && !internal(after)) {
        out.push({ ...where, level: level(ctx, c.env), rule: 'public-access', message: `${name}: the Gateway's load balancer is no longer internal (its service loses ${INTERNAL_LB}: "true")` });
      }
    }
  }
  return out;
}

export function riskFindings(ctx: Context, changes: ResourceChange[], objects: ObjectChange[] = []): Finding[] {
  return [...publicAccess(ctx, changes), ...gateways(ctx, changes), ...allowLists(ctx, changes), ...addonsAndCharts(ctx, changes), ...roleAssignments(ctx, changes), ...podSecurity(ctx, changes, objects), ...admissionPolicies(ctx, objects), ...removedApps(ctx, objects)].map((f) => ({
    ...f,
    env: f.env ?? (f.stack ? envOf(f.stack) : undefined),
  }));
}
