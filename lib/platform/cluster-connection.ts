import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface ClusterConnectionProps {
  readonly clusterName: string;
  readonly region: string;
}

/**
 * Helm and Kubernetes providers for an existing EKS cluster, looked up by name and
 * authenticated with `aws eks get-token` on every call. Nothing about the cluster is
 * read at synth time, so the stack plans against whatever cluster exists, and tokens
 * never land in state.
 */
export class ClusterConnection extends Construct {
  readonly cluster: DataAwsEksCluster;
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;

  constructor(scope: Construct, id: string, props: ClusterConnectionProps) {
    super(scope, id);
    this.cluster = new DataAwsEksCluster(this, 'cluster', { name: props.clusterName });
    const endpoint = {
      host: this.cluster.endpoint,
      clusterCaCertificate: Fn.base64decode(this.cluster.certificateAuthority.get(0).data),
    };
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: [
        'eks',
        'get-token',
        '--cluster-name',
        props.clusterName,
        '--region',
        props.region,
        '--output',
        'json',
      ],
    };
    this.helm = new HelmProvider(this, 'helm', { kubernetes: { ...endpoint, exec } });
    this.kubernetes = new KubernetesProvider(this, 'kubernetes', { ...endpoint, exec: [exec] });
  }
}
