/**
 * Capacity rules of the operations guide turned into requests and replica counts: the gateway
 * needs 1 vCPU per 100 requests per second, the orchestrator 2 vCPU per 50 concurrent jobs. The
 * expected load comes from config/workloads.yaml; the autoscaler then works from a floor that
 * already carries that load instead of discovering it under pressure.
 */
import { parseQuantity } from '../../config/quantity';

export const GATEWAY_RPS_PER_VCPU = 100;
export const ORCHESTRATOR_JOBS_PER_2_VCPU = 50;
/** Memory per requested vCPU (GiB): the gateway proxies, the orchestrator holds job state. */
const GATEWAY_GIB_PER_VCPU = 1;
const ORCHESTRATOR_GIB_PER_VCPU = 2;
/** CPU limit over request: room for bursts (TLS handshakes, JSON parsing) without throttling. */
const CPU_BURST = 2;

export interface Capacity {
  /** Replicas that carry the expected load at their requests (the autoscaler's floor). */
  readonly replicas: number;
  readonly maxReplicas: number;
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memory: string;
  /** vCPU the expected load needs in total. */
  readonly requiredCpu: number;
}

export class CapacityError extends Error {
  constructor(readonly field: string, message: string, readonly hint: string) {
    super(message);
    this.name = 'CapacityError';
  }
}

/** 0.5 -> "500m", 2 -> "2". */
export function cpuString(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

function size(requiredCpu: number, cpuPerReplica: string, minReplicas: number, maxReplicas: number, gibPerVcpu: number, unit: string): Capacity {
  const per = parseQuantity(cpuPerReplica) ?? NaN;
  const needed = Math.ceil(requiredCpu / per - 1e-9);
  const replicas = Math.max(minReplicas, needed);
  if (replicas > maxReplicas) {
    throw new CapacityError(
      'maxReplicas',
      `the expected load needs ${cpuString(requiredCpu)} vCPU = ${needed} replicas of ${cpuPerReplica}, more than maxReplicas ${maxReplicas}`,
      `raise maxReplicas to at least ${needed}, or cpuPerReplica (${unit})`,
    );
  }
  return {
    replicas,
    maxReplicas,
    cpuRequest: cpuString(per),
    cpuLimit: cpuString(per * CPU_BURST),
    memory: `${Math.max(256, Math.round(per * gibPerVcpu * 1024))}Mi`,
    requiredCpu,
  };
}

export function gatewayCapacity(c: { expectedRps: number; cpuPerReplica: string; minReplicas: number; maxReplicas: number }): Capacity {
  return size(c.expectedRps / GATEWAY_RPS_PER_VCPU, c.cpuPerReplica, c.minReplicas, c.maxReplicas, GATEWAY_GIB_PER_VCPU, '1 vCPU per 100 RPS');
}

export function orchestratorCapacity(c: { expectedJobs: number; cpuPerReplica: string; minReplicas: number; maxReplicas: number }): Capacity & { jobsPerReplica: number } {
  const cap = size((c.expectedJobs / ORCHESTRATOR_JOBS_PER_2_VCPU) * 2, c.cpuPerReplica, c.minReplicas, c.maxReplicas, ORCHESTRATOR_GIB_PER_VCPU, '2 vCPU per 50 jobs');
  // The queue depth one replica absorbs at its request: KEDA's per-replica target.
  const jobsPerReplica = Math.max(1, Math.floor(((parseQuantity(c.cpuPerReplica) ?? 0) / 2) * ORCHESTRATOR_JOBS_PER_2_VCPU));
  return { ...cap, jobsPerReplica };
}

/** Startup budget of a vLLM replica: fetch + load the weights at the worst-case rate, plus CUDA graph capture. */
export const VLLM_BASE_STARTUP_SECONDS = 180;
export const STARTUP_PERIOD_SECONDS = 10;

export function vllmStartupSeconds(weightsGiB: number, weightsMiBps: number): number {
  return VLLM_BASE_STARTUP_SECONDS + Math.ceil((weightsGiB * 1024) / weightsMiBps);
}
