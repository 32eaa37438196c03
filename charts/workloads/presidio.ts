/**
 * Presidio analyzer and anonymizer in namespace `platform`: the PII engine behind the router's
 * masking guardrail (guardrails.ts). Only the router may call them; they call nothing. Rendered
 * in the llm-router app: they exist for the router alone, so they sync, and go, with it.
 *
 * Upstream images (presidio-analyzer/Dockerfile, presidio-anonymizer/Dockerfile at 2.2.363):
 * gunicorn serving `app:create_app()` from /app on $PORT (3000), GET /health. The image's
 * entrypoint wraps gunicorn in `poetry run`, which wants a writable home; Poetry installed
 * gunicorn into the system interpreter (POETRY_VIRTUALENVS_CREATE=false), so the pods start it
 * directly and keep a read-only root file system (Python only reads /app and site-packages).
 */
import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import { SERVICES, type PlatformServiceName } from '../../catalog/services';
import { PLATFORM_NAMESPACE, podPeer } from './common';
import { ROUTER_NAME } from './names';
import type { ImageRef } from './plan';
import { PlatformService } from './service';

export interface PresidioChartProps {
  readonly environment: string;
  readonly analyzerImage: ImageRef;
  readonly anonymizerImage: ImageRef;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** gunicorn worker processes per pod; each analyzer worker holds its own spaCy model (en_core_web_lg, about 1 GiB resident). */
export const PRESIDIO_WORKERS = 2;

export class PresidioChart extends Chart {
  constructor(scope: Construct, id: string, props: PresidioChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: PLATFORM_NAMESPACE });
    const service = (key: string, svc: PlatformServiceName, image: ImageRef, resources: { cpuRequest: string; cpuLimit: string; memory: string }, extraEnv: { name: string; value: string }[]) =>
      new PlatformService(this, key, {
        service: svc,
        environment: props.environment,
        image,
        health: { live: '/health', ready: '/health' },
        resources,
        scaling: { kind: 'cpu', minReplicas: props.minReplicas, maxReplicas: props.maxReplicas, targetUtilization: 70 },
        callers: [podPeer(ROUTER_NAME)],
        // Nothing outside the pod: the models are in the image.
        egress: [],
        command: ['gunicorn'],
        args: ['--workers', String(PRESIDIO_WORKERS), '--bind', `0.0.0.0:${svc.httpPort}`, '--worker-tmp-dir', '/tmp', 'app:create_app()'],
        monitored: false,
        // No user database entry for the pod's uid: a writable home for libraries that look there.
        extraEnv: [{ name: 'HOME', value: '/tmp' }, { name: 'PORT', value: String(svc.httpPort) }, ...extraEnv],
      });

    service('analyzer', SERVICES.presidioAnalyzer, props.analyzerImage, { cpuRequest: '1', cpuLimit: '2', memory: '3Gi' }, [
      // The e-mail recognizer's tldextract would fetch the public suffix list from the internet
      // (which the pod cannot reach) on first use; an empty URL list makes it use its bundled
      // snapshot, and the timeout bounds the attempt on releases that ignore the list variable.
      { name: 'TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS', value: '' },
      { name: 'TLDEXTRACT_CACHE', value: '/tmp/tldextract' },
      { name: 'TLDEXTRACT_CACHE_TIMEOUT', value: '2' },
    ]);
    service('anonymizer', SERVICES.presidioAnonymizer, props.anonymizerImage, { cpuRequest: '250m', cpuLimit: '1', memory: '512Mi' }, []);
  }
}
