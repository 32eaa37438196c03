/** The canary analyses' Prometheus queries as the Rollouts run them (their arguments filled in). */
type Obj = Record<string, any>;

export interface Query {
  readonly where: string;
  readonly expr: string;
}

/** What a `podTemplateHashValue` argument stands for when a query is checked: a pod-template hash. */
const POD_TEMPLATE_HASH = '5d8f9c7b6';

/**
 * The Prometheus queries of the AnalysisTemplates, as the Rollouts' analysis steps run them
 * (`{{args.<name>}}` replaced by the step's value); a template no Rollout references, as written.
 * An argument left unfilled is reported in the query's place.
 */
export function analysisQueries(objects: Obj[], file: string): { queries: Query[]; unfilled: string[] } {
  const templates = objects.filter((o) => o.kind === 'AnalysisTemplate');
  const queries: Query[] = [];
  const unfilled: string[] = [];
  const used = new Set<Obj>();
  const add = (t: Obj, where: string, args: Record<string, string>) => {
    for (const m of t.spec.metrics ?? []) {
      const query = m.provider?.prometheus?.query;
      if (typeof query !== 'string') continue;
      const expr = query.replace(/\{\{\s*args\.([A-Za-z0-9_-]+)\s*\}\}/g, (whole: string, name: string) => args[name] ?? whole);
      const left = [...expr.matchAll(/\{\{\s*args\.([A-Za-z0-9_-]+)\s*\}\}/g)].map((x) => x[1]);
      if (left.length) unfilled.push(`${where} ${t.metadata.name}/${m.name}: no value for ${left.join(', ')}`);
      queries.push({ where: `${where} AnalysisTemplate ${t.metadata.namespace}/${t.metadata.name}/${m.name}`, expr });
    }
  };
  for (const r of objects.filter((o) => o.kind === 'Rollout')) {
    for (const step of r.spec?.strategy?.canary?.steps ?? []) {
      if (!step.analysis) continue;
      const args: Record<string, string> = Object.fromEntries((step.analysis.args ?? []).map((a: Obj) => [a.name, a.value ?? (a.valueFrom?.podTemplateHashValue ? POD_TEMPLATE_HASH : undefined)]));
      for (const ref of step.analysis.templates ?? []) {
        const t = templates.find((x) => x.metadata.name === ref.templateName && x.metadata.namespace === r.metadata.namespace);
        if (!t) continue;
        used.add(t);
        add(t, `${file} Rollout ${r.metadata.namespace}/${r.metadata.name}`, args);
      }
    }
  }
  for (const t of templates.filter((x) => !used.has(x))) add(t, file, {});
  return { queries, unfilled };
}

