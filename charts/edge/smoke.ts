/**
 * The edge smoke test: an Argo CD PostSync hook Job that, after every sync of the edge demo app,
 * checks each platform route the way a client inside the network reaches it: the name resolves
 * (private DNS zone), TLS verifies (the listener's certificate; not verified where the ACME issuer
 * is Let's Encrypt staging, whose chain nobody trusts), and the health path answers exactly 200, or,
 * on a route that signs in at the Gateway, exactly the 302 to Entra ID (an open sign-in route fails).
 * A failure fails the hook, and with it the sync, so a broken edge shows in Argo CD at once. It runs
 * beside the demo in `platform` with the demo image (podinfo: curl, nslookup), restricted, without a
 * service-account token, and may reach only DNS and the Gateway (its proxies, or the load balancer's
 * address where the data path does not translate it to them).
 */
import type { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ENVOY_PORTS, ingressAddress, platformHostname } from '../../catalog/edge';
import { PLATFORM_ROUTE_LIST } from '../../catalog/routes';
import { ENTRA_AUTHORITY } from '../../catalog/cluster-names';
import { GATEWAY_PROXY_PEER, labelsFor, PLATFORM_NAMESPACE, resources, RESTRICTED_CONTAINER, RESTRICTED_POD, tcp } from '../workloads/common';
import type { ImageRef } from '../workloads/plan';

export const SMOKE_JOB = 'edge-smoke';

/** The script: one line per route, `host path`; every check is reported before the exit status says whether all passed. */
export function smokeScript(insecureTls: boolean): string {
  const tls = insecureTls ? '--insecure' : '';
  return `set -u
failed=0
while read -r host path expect; do
  [ -z "$host" ] && continue
  if ! nslookup "$host" >/dev/null 2>&1; then echo "FAIL dns $host"; failed=1; continue; fi
  answer=$(curl --silent --show-error --output /dev/null --write-out '%{http_code} %{redirect_url}' --max-time 15 --retry 5 --retry-delay 6 --retry-all-errors --proto '=https' --tlsv1.2 ${tls} "https://$host$path") || { echo "FAIL tls/http $host$path ($answer)"; failed=1; continue; }
  code=\${answer%% *}
  if [ "$expect" = "sign-in" ]; then
    case "$answer" in
      "302 ${ENTRA_AUTHORITY}/"*) ;;
      *) echo "FAIL sign-in $host$path answered $answer, not the redirect to Entra ID"; failed=1; continue ;;
    esac
  elif [ "$code" != "200" ]; then echo "FAIL http $host$path answered $code"; failed=1; continue; fi
  echo "ok $host$path"
done < "\${ROUTES_FILE:-/etc/smoke/routes}"
exit $failed
`;
}

export function smokeObjects(scope: Construct, props: { zone: string; nodesCidr: string; image: ImageRef; insecureTls: boolean }): void {
  const labels = labelsFor({ name: SMOKE_JOB, component: 'smoke-test', version: props.image.version });
  const routes = PLATFORM_ROUTE_LIST.map((r) => `${platformHostname(r.host, props.zone)} ${r.healthPath} ${r.signIn ? 'sign-in' : 'open'}`).join('\n');
  const hook = { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' };
  new k8s.KubeConfigMap(scope, 'smoke-config', {
    metadata: { name: SMOKE_JOB, namespace: PLATFORM_NAMESPACE, labels, annotations: hook },
    data: { routes: `${routes}\n`, 'smoke.sh': smokeScript(props.insecureTls) },
  });
  new k8s.KubeNetworkPolicy(scope, 'smoke-netpol', {
    metadata: { name: SMOKE_JOB, namespace: PLATFORM_NAMESPACE, labels },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': SMOKE_JOB } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        { to: [GATEWAY_PROXY_PEER], ports: tcp(ENVOY_PORTS.https) },
        { to: [{ ipBlock: { cidr: `${ingressAddress(props.nodesCidr)}/32` } }], ports: tcp(443) },
      ],
    },
  });
  new k8s.KubeJob(scope, 'smoke-job', {
    metadata: { name: SMOKE_JOB, namespace: PLATFORM_NAMESPACE, labels, annotations: { ...hook, 'argocd.argoproj.io/sync-wave': '1' } },
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: RESTRICTED_POD,
          containers: [
            {
              name: 'smoke',
              image: props.image.ref,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', '/etc/smoke/smoke.sh'],
              resources: resources({ cpuRequest: '25m', cpuLimit: '100m', memory: '32Mi', ephemeralStorage: { request: '16Mi', limit: '64Mi' } }),
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [{ name: 'smoke', mountPath: '/etc/smoke', readOnly: true }],
            },
          ],
          volumes: [{ name: 'smoke', configMap: { name: SMOKE_JOB } }],
        },
      },
    },
  });
}
