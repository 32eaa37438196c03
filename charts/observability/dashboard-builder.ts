/**
 * Grafana dashboards written as code, for those whose queries name services, jobs or namespaces:
 * built from the catalogues, a rename there reaches the dashboard. Panels sit two per row and
 * query the Prometheus data source kube-prometheus-stack provisions (uid `prometheus`).
 */
import type { Dashboard } from './chart';

const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

export interface PanelSpec {
  readonly title: string;
  readonly unit?: string;
  readonly type?: 'timeseries' | 'stat' | 'table';
  /** Query and legend ({{label}} templates). */
  readonly targets: readonly { readonly expr: string; readonly legend?: string; readonly instant?: boolean }[];
  readonly description?: string;
}

export interface DashboardSpec {
  readonly name: string;
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly panels: readonly PanelSpec[];
  readonly time?: string;
}

export function dashboard(spec: DashboardSpec): Dashboard {
  const json = {
    uid: spec.uid,
    title: spec.title,
    tags: ['platform', ...spec.tags],
    schemaVersion: 39,
    version: 1,
    editable: false,
    time: { from: `now-${spec.time ?? '6h'}`, to: 'now' },
    refresh: '1m',
    timezone: 'utc',
    templating: { list: [] },
    panels: spec.panels.map((p, i) => ({
      id: i + 1,
      type: p.type ?? 'timeseries',
      title: p.title,
      ...(p.description ? { description: p.description } : {}),
      datasource: DATASOURCE,
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      fieldConfig: { defaults: { unit: p.unit ?? 'short' }, overrides: [] },
      targets: p.targets.map((t, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource: DATASOURCE,
        expr: t.expr,
        ...(t.legend ? { legendFormat: t.legend } : {}),
        ...(t.instant ? { instant: true, range: false } : {}),
      })),
    })),
  };
  return { name: spec.name, json: `${JSON.stringify(json, null, 2)}\n` };
}
