/**
 * Kubernetes provider for stacks that talk to the cluster. The cluster is looked up by a data
 * source (name and resource group come from the platform stack), never configured from a
 * resource in the same stack, and authentication is Entra ID through kubelogin because local
 * accounts are disabled.
 */
import { Construct } from 'constructs';
import { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';

/** The fixed application id of the AKS AAD server that Entra tokens for AKS are issued to. */
export const AKS_AAD_SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

export interface ClusterAccessProps {
  readonly clusterName: string;
  readonly resourceGroupName: string;
  /** Also configure a Helm provider against the same cluster. */
  readonly helm?: boolean;
}

/** kubelogin arguments; `azurecli` works for people and for CI after a federated `az login`. */
export function kubeloginExec() {
  return {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    command: 'kubelogin',
    args: ['get-token', '--login', 'azurecli', '--server-id', AKS_AAD_SERVER_ID],
  };
}

export class ClusterAccess extends Construct {
  readonly cluster: DataAzurermKubernetesCluster;
  readonly kubernetes: KubernetesProvider;
  readonly helm?: HelmProvider;

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    this.cluster = new DataAzurermKubernetesCluster(this, 'cluster', {
      name: props.clusterName,
      resourceGroupName: props.resourceGroupName,
    });
    const kubeConfig = this.cluster.kubeConfig.get(0);
    this.kubernetes = new KubernetesProvider(this, 'kubernetes', {
      host: kubeConfig.host,
      clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate),
      exec: [kubeloginExec()],
    });
    if (props.helm) {
      this.helm = new HelmProvider(this, 'helm', {
        kubernetes: { host: kubeConfig.host, clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate), exec: kubeloginExec() },
      });
    }
  }
}
