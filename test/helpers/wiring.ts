/**
 * Whether the references between rendered objects resolve: a Service selects pods some
 * controller creates and names their port; a ServiceMonitor selects a Service and one of its
 * ports by name; a NetworkPolicy selects pods that exist; an autoscaler targets a Deployment that
 * exists; every Secret and ConfigMap a pod or a KEDA TriggerAuthentication reads (volume, envFrom,
 * env, secretTargetRef) is rendered, as a ConfigMap or as an ExternalSecret's target, and has the
 * key that is read. One line per broken reference.
 */
type Json = Record<string, any>;

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

interface Pod {
  readonly owner: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly spec: Json;
}

function pods(objects: Json[]): Pod[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
    .map((o) => ({ owner: `${o.kind} ${o.metadata.name}`, namespace: o.metadata.namespace, labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec }));
}

/** Secret name -> keys, from ExternalSecrets (their data keys, or their template's keys). */
function secrets(objects: Json[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const o of objects.filter((x) => x.kind === 'ExternalSecret')) {
    const name = o.spec.target?.name ?? o.metadata.name;
    const keys = o.spec.target?.template?.data ? Object.keys(o.spec.target.template.data) : (o.spec.data ?? []).map((d: Json) => d.secretKey);
    out.set(`${o.metadata.namespace}/${name}`, new Set(keys));
  }
  return out;
}

export function wiringProblems(objects: Json[]): string[] {
  const out: string[] = [];
  const all = pods(objects);
  const secretKeys = secrets(objects);
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, new Set(Object.keys(o.data ?? {}))]));
  const services = objects.filter((o) => o.kind === 'Service');

  for (const s of services) {
    const selected = all.filter((p) => p.namespace === s.metadata.namespace && matches(s.spec.selector, p.labels));
    if (selected.length === 0) out.push(`Service ${s.metadata.name} selects no pods`);
    for (const port of s.spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const served = selected.some((p) => p.spec.containers.some((c: Json) => (c.ports ?? []).some((cp: Json) => cp.name === target || cp.containerPort === target)));
      if (selected.length > 0 && !served) out.push(`Service ${s.metadata.name} port ${port.name}: no container port ${target}`);
    }
  }
  for (const m of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const namespaces: string[] = m.spec.namespaceSelector?.matchNames ?? [m.metadata.namespace];
    const selected = services.filter((s) => namespaces.includes(s.metadata.namespace) && matches(m.spec.selector.matchLabels, s.metadata.labels));
    if (selected.length === 0) out.push(`ServiceMonitor ${m.metadata.name} selects no Service`);
    for (const e of m.spec.endpoints) if (selected.length > 0 && !selected.some((s) => s.spec.ports.some((p: Json) => p.name === e.port))) out.push(`ServiceMonitor ${m.metadata.name}: no Service port named ${e.port}`);
  }
  for (const n of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const sel = n.spec.podSelector?.matchLabels;
    if (sel && !all.some((p) => p.namespace === n.metadata.namespace && matches(sel, p.labels))) out.push(`NetworkPolicy ${n.metadata.name} selects no pods`);
  }
  for (const a of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject')) {
    const t = a.spec.scaleTargetRef;
    if (!objects.some((o) => o.kind === (t.kind ?? 'Deployment') && o.metadata.name === t.name && o.metadata.namespace === a.metadata.namespace)) out.push(`${a.kind} ${a.metadata.name} targets missing ${t.kind ?? 'Deployment'} ${t.name}`);
    for (const trig of a.spec.triggers ?? []) {
      const ref = trig.authenticationRef?.name;
      if (ref && !objects.some((o) => o.kind === 'TriggerAuthentication' && o.metadata.name === ref && o.metadata.namespace === a.metadata.namespace)) out.push(`${a.kind} ${a.metadata.name}: TriggerAuthentication ${ref} is not rendered`);
    }
  }

  const needSecret = (where: string, ns: string, name: string, key?: string) => {
    const keys = secretKeys.get(`${ns}/${name}`);
    if (!keys) out.push(`${where}: Secret ${name} is not rendered (no ExternalSecret targets it)`);
    else if (key !== undefined && !keys.has(key)) out.push(`${where}: Secret ${name} has no key ${key}`);
  };
  const needConfigMap = (where: string, ns: string, name: string, key?: string) => {
    const keys = configMaps.get(`${ns}/${name}`);
    if (!keys) out.push(`${where}: ConfigMap ${name} is not rendered`);
    else if (key !== undefined && !keys.has(key)) out.push(`${where}: ConfigMap ${name} has no key ${key}`);
  };
  for (const p of all) {
    for (const v of p.spec.volumes ?? []) {
      if (v.secret) needSecret(`${p.owner} volume ${v.name}`, p.namespace, v.secret.secretName);
      if (v.configMap) needConfigMap(`${p.owner} volume ${v.name}`, p.namespace, v.configMap.name);
    }
    for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers]) {
      const mounted = new Set((p.spec.volumes ?? []).map((v: Json) => v.name));
      for (const m of c.volumeMounts ?? []) if (!mounted.has(m.name)) out.push(`${p.owner}/${c.name}: mounts undeclared volume ${m.name}`);
      for (const f of c.envFrom ?? []) {
        if (f.secretRef) needSecret(`${p.owner}/${c.name} envFrom`, p.namespace, f.secretRef.name);
        if (f.configMapRef) needConfigMap(`${p.owner}/${c.name} envFrom`, p.namespace, f.configMapRef.name);
      }
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef) needSecret(`${p.owner}/${c.name} env ${e.name}`, p.namespace, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
        if (e.valueFrom?.configMapKeyRef) needConfigMap(`${p.owner}/${c.name} env ${e.name}`, p.namespace, e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key);
      }
    }
    if (p.spec.serviceAccountName && !objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === p.spec.serviceAccountName && o.metadata.namespace === p.namespace)) {
      out.push(`${p.owner}: ServiceAccount ${p.spec.serviceAccountName} is not rendered`);
    }
  }
  for (const t of objects.filter((o) => o.kind === 'TriggerAuthentication')) {
    for (const r of t.spec.secretTargetRef ?? []) needSecret(`TriggerAuthentication ${t.metadata.name} ${r.parameter}`, t.metadata.namespace, r.name, r.key);
  }
  return out;
}
