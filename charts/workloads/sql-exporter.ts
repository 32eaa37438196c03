/**
 * burningalchemist/sql_exporter over one PostgreSQL database: one collector of queries, one
 * replica (every replica is another client of the database, and a missed scrape or two does not
 * matter to totals that change slowly). The connection URL comes from Key Vault: sql_exporter
 * reads one DSN at start and cannot refresh an Entra ID token.
 */
import { Construct } from 'constructs';
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { stringify } from 'yaml';
import { METRICS, type MetricKey } from '../../catalog/services';
import type { ImageRef } from './plan';
import { PlatformService, type PlatformServiceProps } from './service';

const CONFIG_DIR = '/etc/sql_exporter';

/** One metric of a collector: its columns as labels and values, read from the query `query_ref`. */
export interface SqlExporterMetric {
  readonly metric_name: string;
  readonly type: string;
  readonly help: string;
  readonly key_labels: string[];
  readonly values: string[];
  readonly query_ref: string;
}

/** A catalog metric (name, type, help, labels: catalog/services.ts METRICS) read from `column` of the query `queryRef`. */
export function catalogMetric(key: MetricKey, column: string, queryRef: string): SqlExporterMetric {
  const m = METRICS[key];
  return { metric_name: m.name, type: m.type, help: m.help, key_labels: Object.keys(m.labels), values: [column], query_ref: queryRef };
}

export interface SqlExporterCollector {
  readonly name: string;
  readonly metrics: SqlExporterMetric[];
  readonly queries: { readonly query_name: string; readonly query: string }[];
}

/** sql_exporter.yml: the target (the DSN) comes from the environment, so the file holds no secret. */
export function sqlExporterFile(collector: SqlExporterCollector): Record<string, unknown> {
  return {
    global: {
      scrape_timeout: '10s',
      scrape_timeout_offset: '500ms',
      // Results are cached for a minute: Prometheus scrapes every 30 s, but the database serves
      // its application first.
      min_interval: '60s',
      max_connections: 1,
      max_idle_connections: 1,
      max_connection_lifetime: '10m',
    },
    collectors: [{ collector_name: collector.name, metrics: collector.metrics, queries: collector.queries }],
  };
}

/** What the app that runs an exporter gives it. */
export interface SqlExporterAppProps {
  readonly environment: string;
  readonly image: ImageRef;
  /** The egress rule to PostgreSQL (its private endpoint). */
  readonly databaseEgress: k8s.NetworkPolicyEgressRule;
}

export interface SqlExporterProps extends SqlExporterAppProps {
  /** Name, namespace and port, from catalog/services.ts. */
  readonly service: PlatformServiceProps['service'];
  /** Key Vault secret with the read-only login's connection URL. */
  readonly databaseSecret: string;
  readonly collector: SqlExporterCollector;
}

export class SqlExporter extends Construct {
  constructor(scope: Construct, id: string, props: SqlExporterProps) {
    super(scope, id);
    new PlatformService(this, 'exporter', {
      service: props.service,
      environment: props.environment,
      image: props.image,
      health: { live: '/healthz', ready: '/healthz' },
      resources: { cpuRequest: '50m', cpuLimit: '200m', memory: '128Mi' },
      scaling: { kind: 'fixed', replicas: 1 },
      // Nobody calls it; Prometheus reaches the metrics port through the policy's scrape rule.
      callers: [],
      egress: [props.databaseEgress],
      args: [`--config.file=${CONFIG_DIR}/sql_exporter.yml`, `--web.listen-address=:${props.service.httpPort}`, '--log.format=json'],
      files: { mountPath: CONFIG_DIR, data: { 'sql_exporter.yml': stringify(sqlExporterFile(props.collector), { lineWidth: 0 }) } },
      // The target is set by environment (SQLEXPORTER_TARGET_*): a target in the file would need the DSN there.
      config: { SQLEXPORTER_TARGET_COLLECTORS: props.collector.name },
      secrets: { SQLEXPORTER_TARGET_DSN: props.databaseSecret },
    });
  }
}
