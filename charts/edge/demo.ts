/**
 * The edge's demo service: podinfo, mirrored into the environment's ACR and pinned like every
 * workload image (tag in config/workloads.yaml, tag and digest from the promotion lock where the
 * environment requires digests), run as a platform service (restricted, read-only root, probed,
 * sized, PDB, autoscaled, scraped) that only the Gateway's Envoy proxies may call. Routed as
 * demo.<zone> by the edge app; the smoke test and a probe prove the whole path with it.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { SERVICES } from '../../catalog/services';
import { GATEWAY_PROXY_PEER, PLATFORM_NAMESPACE } from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { PlatformService } from '../workloads/service';
import { smokeObjects } from './smoke';

export interface DemoChartProps {
  readonly environment: string;
  readonly image: ImageRef;
  readonly zone: string;
  /** The node subnet: the Gateway's load balancer address is its last usable address. */
  readonly nodesCidr: string;
  /** The ACME issuer is Let's Encrypt staging: the smoke test cannot verify the chain. */
  readonly untrustedCertificates: boolean;
}

export class EdgeDemoChart extends Chart {
  constructor(scope: Construct, id: string, props: DemoChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: PLATFORM_NAMESPACE });
    new PlatformService(this, 'demo', {
      service: SERVICES.demo,
      environment: props.environment,
      image: props.image,
      health: { live: '/healthz', ready: '/readyz' },
      resources: { cpuRequest: '25m', cpuLimit: '100m', memory: '64Mi' },
      scaling: { kind: 'cpu', minReplicas: 2, maxReplicas: 3, targetUtilization: 70 },
      callers: [GATEWAY_PROXY_PEER],
      egress: [],
      args: ['--port', String(SERVICES.demo.httpPort), '--level', 'info', '--random-delay=false', '--random-error=false'],
      config: { PODINFO_UI_MESSAGE: 'platform edge demo' },
    });
    // After every sync: DNS, TLS and HTTP 200 for every platform route, this one included.
    smokeObjects(this, { zone: props.zone, nodesCidr: props.nodesCidr, image: props.image, insecureTls: props.untrustedCertificates });
  }
}
