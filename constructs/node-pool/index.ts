/**
 * User node pools of an AKS cluster: the general `workload` pool and the `gpu` pool, which is
 * tainted so that only pods that ask for GPUs land on (and pay for) it.
 */
import { Construct } from 'constructs';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import type { NodePoolConfig } from '../../config/schema';
import { assertValidName } from '../../catalog/naming';

import { POOL_LABEL, SPOT_TAINT } from '../../catalog/node-pools';

export { GPU_TAINTS, gpuPoolLabels, POOL_LABEL, SPOT_TAINT } from '../../catalog/node-pools';

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

/** The name of the pool a rotation creates meanwhile: the pool's name plus "tmp" (pool names are at most 12 characters). */
export function temporaryPoolName(pool: string): string {
  return `${pool.slice(0, 9)}tmp`;
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
      // Without it azurerm 4.x fails mid-apply on a change of vm_size, zones, OS disk or max_pods
      // (catalog/provider-facts: `rotation`); with it the pool is rotated through a temporary one.
      temporaryNameForRotation: temporaryPoolName(props.name),
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
