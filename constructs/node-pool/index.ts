/**
 * User node pools of an AKS cluster: the general `workload` pool and the `gpu` pool, which is
 * tainted so that only pods that ask for GPUs land on (and pay for) it.
 */
import { Construct } from 'constructs';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import type { GpuPoolConfig, NodePoolConfig } from '../../config/schema';
import { assertValidName } from '../naming';

export const POOL_LABEL = 'platform.example.org/pool';

/** Taints every GPU node carries: GPU workloads tolerate them, nothing else schedules there. */
export const GPU_TAINTS = ['nvidia.com/gpu=present:NoSchedule', 'sku=gpu:NoSchedule'] as const;
/** AKS puts this taint on spot nodes itself; declaring it keeps Terraform from seeing drift. */
export const SPOT_TAINT = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';

export interface NodePoolProps {
  readonly name: string;
  readonly clusterId: string;
  readonly subnetId: string;
  readonly config: NodePoolConfig;
  readonly labels?: Record<string, string>;
  readonly taints?: string[];
  readonly spot?: { maxPrice: number };
  /** Let AKS install the NVIDIA driver on GPU VM sizes. */
  readonly gpuDriver?: 'Install' | 'None';
}

export class NodePool extends Construct {
  readonly pool: KubernetesClusterNodePool;

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    assertValidName('nodePool', props.name);
    const { config } = props;
    this.pool = new KubernetesClusterNodePool(this, 'pool', {
      name: props.name,
      kubernetesClusterId: props.clusterId,
      mode: 'User',
      vmSize: config.vmSize,
      zones: config.zones,
      autoScalingEnabled: true,
      minCount: config.minCount,
      maxCount: config.maxCount,
      maxPods: config.maxPods,
      osType: 'Linux',
      osSku: 'AzureLinux',
      osDiskType: config.osDiskType,
      osDiskSizeGb: config.osDiskSizeGb,
      hostEncryptionEnabled: config.hostEncryption,
      nodePublicIpEnabled: false,
      vnetSubnetId: props.subnetId,
      nodeLabels: { [POOL_LABEL]: props.name, ...(props.labels ?? {}) },
      nodeTaints: [...(props.taints ?? []), ...(props.spot ? [SPOT_TAINT] : [])],
      ...(props.gpuDriver ? { gpuDriver: props.gpuDriver } : {}),
      ...(props.spot
        ? { priority: 'Spot', evictionPolicy: 'Delete', spotMaxPrice: props.spot.maxPrice }
        : { upgradeSettings: { maxSurge: '33%', drainTimeoutInMinutes: 30 } }),
      lifecycle: { ignoreChanges: ['node_count'] },
    });
  }
}

/** The GPU pool's labels: what serving workloads select on. */
export function gpuPoolLabels(gpu: GpuPoolConfig): Record<string, string> {
  return {
    sku: 'gpu',
    accelerator: 'nvidia',
    // The NVIDIA device plugin chart's default node affinity looks for this label (or NFD's,
    // which the platform does not run); without it the plugin schedules nowhere.
    'nvidia.com/gpu.present': 'true',
    'platform.example.org/gpu-model': gpu.gpuModel,
    'platform.example.org/gpus-per-node': String(gpu.gpusPerNode),
    'platform.example.org/capacity': gpu.spot.enabled ? 'spot' : 'on-demand',
  };
}
