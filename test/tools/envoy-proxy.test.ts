/**
 * The Envoy proxy pods the Gateway runs are created by Envoy Gateway's controller at runtime, so no
 * chart rendering shows them. This test builds the Deployment the controller makes from the
 * EnvoyProxy of the cluster-config stack, modelled on Envoy Gateway v1.9.0
 * (internal/infrastructure/kubernetes/proxy/resource.go: containers `envoy` and `shutdown-manager`,
 * their probes, preStop hook and the xDS certificate volumes, the container spec taken from
 * `envoyDeployment.container` and the shutdown manager changed by the strategic-merge patch), and
 * holds it to Pod Security restricted and the platform's Gatekeeper constraints in the gateway
 * namespace, with negative controls.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ENVOY_PORTS, ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE } from '../../catalog/edge';
import { loadInputs } from '../../config/inputs';
import { stackManifests } from '../../cli/lib/stack-manifests';
import { gatorViolations } from '../../cli/lib/tools';
import { podSecurityViolations } from '../helpers/pod-security';
import { synthApp } from '../helpers/synth';
import { ROOT } from '../helpers/tools';

type Json = Record<string, any>;

const inputs = loadInputs();
const app = synthApp();

/** Strategic merge of containers by name, volumeMounts by mountPath (what the patch type does for these lists). */
function mergeContainer(base: Json, patch: Json): Json {
  const out: Json = { ...base, ...patch };
  if (base.volumeMounts || patch.volumeMounts) {
    const mounts = new Map<string, Json>([...(base.volumeMounts ?? []), ...(patch.volumeMounts ?? [])].map((m: Json) => [m.mountPath, m]));
    out.volumeMounts = [...mounts.values()];
  }
  return out;
}

/** The proxy Deployment Envoy Gateway v1.9.0 creates for the platform Gateway from this EnvoyProxy. */
export function proxyDeployment(envoyProxy: Json, image = 'docker.io/envoyproxy/envoy:distroless-v1.39.0'): Json {
  const d = envoyProxy.spec.provider.kubernetes.envoyDeployment;
  const envoy = mergeContainer(
    {
      name: 'envoy',
      image,
      args: ['--service-cluster', 'platform', '--config-yaml', '...'],
      ports: [
        { name: 'http-10080', containerPort: ENVOY_PORTS.http, protocol: 'TCP' },
        { name: 'https-10443', containerPort: ENVOY_PORTS.https, protocol: 'TCP' },
        { name: 'metrics', containerPort: ENVOY_PORTS.metrics, protocol: 'TCP' },
      ],
      readinessProbe: { httpGet: { path: '/ready', port: ENVOY_PORTS.readiness, scheme: 'HTTP' }, periodSeconds: 5 },
      startupProbe: { httpGet: { path: '/ready', port: ENVOY_PORTS.readiness, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 30 },
      lifecycle: { preStop: { httpGet: { path: '/shutdown/ready', port: 19002, scheme: 'HTTP' } } },
      volumeMounts: [
        { name: 'certs', mountPath: '/certs', readOnly: true },
        { name: 'sds', mountPath: '/sds' },
      ],
    },
    d.container,
  );
  const patched = (d.patch?.value?.spec?.template?.spec?.containers ?? []) as Json[];
  const shutdown = mergeContainer(
    {
      name: 'shutdown-manager',
      image: 'docker.io/envoyproxy/gateway:v1.9.0',
      command: ['envoy-gateway'],
      args: ['envoy', 'shutdown-manager'],
      resources: { requests: { cpu: '10m', memory: '32Mi' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 19002, scheme: 'HTTP' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 19002, scheme: 'HTTP' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    },
    patched.find((c) => c.name === 'shutdown-manager') ?? {},
  );
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `envoy-${GATEWAY_NAMESPACE}-platform-0123abcd`, namespace: GATEWAY_NAMESPACE, labels: { ...ENVOY_PROXY_POD_LABELS } },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } },
      template: {
        metadata: { labels: { ...ENVOY_PROXY_POD_LABELS } },
        spec: {
          automountServiceAccountToken: false,
          serviceAccountName: 'envoy-envoy-gateway-system-platform-0123abcd',
          terminationGracePeriodSeconds: 360,
          securityContext: d.pod.securityContext,
          topologySpreadConstraints: d.pod.topologySpreadConstraints,
          containers: [envoy, shutdown],
          volumes: [{ name: 'certs', secret: { secretName: 'envoy' } }, { name: 'sds', configMap: { name: 'envoy-sds' } }, ...d.pod.volumes],
        },
      },
    },
  };
}

for (const env of inputs.allEnvironments) {
  describe(`${env.name}: the Gateway's Envoy proxy pods`, () => {
    const envoyProxy = stackManifests(app.stack(`${env.name}-cluster-config`).json).find((o) => o.kind === 'EnvoyProxy')!;
    const policies = parseAllDocuments(readFileSync(join(ROOT, 'rendered', env.name, 'gatekeeper-policies', 'manifests.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .filter((o) => o && o.kind !== 'Config');
    const namespace = stackManifests(app.stack(`${env.name}-addons`).json).find((o) => o.kind === 'Namespace' && o.metadata.name === GATEWAY_NAMESPACE)!;
    const admit = (deployment: Json) => gatorViolations([...policies, { ...namespace, metadata: { ...namespace.metadata, labels: { ...namespace.metadata.labels, 'kubernetes.io/metadata.name': GATEWAY_NAMESPACE } } }, deployment]);

    it('meet Pod Security restricted, with read-only root filesystems for envoy and the shutdown manager, and every Gatekeeper constraint', () => {
      const deployment = proxyDeployment(envoyProxy);
      assert.equal(namespace.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
      assert.deepEqual(podSecurityViolations(deployment.spec.template.spec), []);
      for (const c of deployment.spec.template.spec.containers) assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
      assert.deepEqual(admit(deployment).map((v) => `${v.constraint.metadata.name}: ${v.msg}`), []);
    });

    it('the check can fail: a shutdown manager without the patch has a writable root, a privileged envoy breaks Pod Security', () => {
      const unpatched = structuredClone(envoyProxy);
      delete unpatched.spec.provider.kubernetes.envoyDeployment.patch;
      const found = admit(proxyDeployment(unpatched)).map((v) => v.constraint.metadata.name);
      assert.ok(found.includes('readonly-root-filesystem'), found.join());
      const privileged = structuredClone(envoyProxy);
      privileged.spec.provider.kubernetes.envoyDeployment.container.securityContext = { ...privileged.spec.provider.kubernetes.envoyDeployment.container.securityContext, allowPrivilegeEscalation: true };
      assert.ok(podSecurityViolations(proxyDeployment(privileged).spec.template.spec).some((v) => /allowPrivilegeEscalation/.test(v)));
    });
  });
}
