/**
 * Thanos wiring checks over rendered objects: every gRPC endpoint Query is given must be a
 * Service that exists in the rendered output, with a port of that name, headless (so the SRV
 * lookup yields every replica, not one virtual IP), and backed by pods that serve that port.
 */
type Json = Record<string, any>;

const podTemplate = (o: Json) => (o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template);
const matches = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The endpoint flags of a Thanos container (`--endpoint`, `--endpoint-strict`, the old `--store`). */
export function endpointFlags(args: readonly string[]): string[] {
  return args.filter((a) => /^--(endpoint|endpoint-strict|store)=/.test(a)).map((a) => a.slice(a.indexOf('=') + 1));
}

/**
 * Why an endpoint does not resolve in `objects` (empty when it does). Understood forms:
 * `dnssrv+_<port>._tcp.<service>.<namespace>.svc.cluster.local` and `<service>.<namespace>.svc[.cluster.local]:<port>`.
 */
export function endpointProblems(endpoint: string, objects: readonly Json[]): string[] {
  const srv = /^dnssrv\+_([a-z0-9-]+)\._tcp\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(endpoint);
  const plain = /^(?:dns\+)?([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?:(\d+)$/.exec(endpoint);
  if (!srv && !plain) return [`${endpoint}: not a form the check understands (dnssrv+_<port>._tcp.<svc>.<ns>.svc.cluster.local or <svc>.<ns>.svc:<port>)`];
  const [name, namespace] = srv ? [srv[2], srv[3]] : [plain![1], plain![2]];
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata?.name === name && o.metadata?.namespace === namespace);
  if (!svc) return [`${endpoint}: no Service ${namespace}/${name} is rendered`];
  const port = (svc.spec.ports ?? []).find((p: Json) => (srv ? p.name === srv[1] : p.port === Number(plain![3])));
  if (!port) return [`${endpoint}: Service ${namespace}/${name} has no port ${srv ? `named ${srv[1]}` : plain![3]}`];
  const problems: string[] = [];
  if (srv && svc.spec.clusterIP !== 'None') problems.push(`${endpoint}: Service ${namespace}/${name} is not headless, so the SRV lookup yields one virtual IP instead of every replica`);
  const target = port.targetPort ?? port.port;
  const served = (containers: Json[]) => containers.some((c) => (c.ports ?? []).some((cp: Json) => cp.name === target || cp.containerPort === target));
  const selector = svc.spec.selector ?? {};
  const pods = objects.filter((o) => o.metadata?.namespace === namespace && podTemplate(o)?.spec?.containers && matches(selector, podTemplate(o).metadata?.labels));
  // Prometheus pods are built by the operator from the custom resource: it labels them with the
  // resource's name and adds the Thanos sidecar, whose ports are `grpc` and `http`, when spec.thanos is set.
  const prometheus = objects.filter(
    (o) => o.kind === 'Prometheus' && o.metadata?.namespace === namespace && selector['operator.prometheus.io/name'] === o.metadata?.name && (selector['app.kubernetes.io/name'] ?? 'prometheus') === 'prometheus',
  );
  const byOperator = prometheus.some((p) => p.spec?.thanos && (target === 'grpc' || target === 10901));
  if (!pods.some((w) => served(podTemplate(w).spec.containers)) && !byOperator) {
    problems.push(`${endpoint}: no pod behind Service ${namespace}/${name} serves port ${target}`);
  }
  return problems;
}
