import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, Op, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';

/** The local port the README's SSM port forward listens on. */
export const API_TUNNEL_LOCAL_PORT = 8443;

/** The Terraform variable that points the providers at a local port forward to the endpoint. */
export const API_TUNNEL_VARIABLE = 'api_tunnel_port';

export interface ClusterConnectionProps {
  readonly clusterName: string;
  readonly region: string;
}

/**
 * Helm and Kubernetes providers for an existing EKS cluster, looked up by name and
 * authenticated with `aws eks get-token` on every call. Nothing about the cluster is
 * read at synth time, so the stack plans against whatever cluster exists, and tokens
 * never land in state.
 *
 * Operators who reach the private endpoint through the SSM port forward set the Terraform
 * variable `api_tunnel_port` (`TF_VAR_api_tunnel_port=8443`): the providers then connect to
 * 127.0.0.1 on that port and still verify the API server's certificate for the endpoint's
 * own name. Unset (0), they connect to the endpoint directly.
 */
export class ClusterConnection extends Construct {
  readonly cluster: DataAwsEksCluster;
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;

  constructor(scope: Construct, id: string, props: ClusterConnectionProps) {
    super(scope, id);
    this.cluster = new DataAwsEksCluster(this, 'cluster', { name: props.clusterName });
    const tunnel = new TerraformVariable(this, 'api-tunnel-port', {
      type: 'number',
      default: 0,
      description: 'Local port of an SSM port forward to the private API endpoint; 0 connects directly.',
    });
    tunnel.overrideLogicalId(API_TUNNEL_VARIABLE);
    const endpoint = {
      host: Fn.conditional(
        // `< 1` rather than `== 0`: cdktf renders a literal 0 operand as undefined.
        Op.lt(tunnel.numberValue, 1),
        this.cluster.endpoint,
        Fn.join('', ['https://127.0.0.1:', Fn.tostring(tunnel.numberValue)]),
      ),
      // The certificate names the endpoint, whichever address the connection goes to.
      tlsServerName: Fn.replace(this.cluster.endpoint, 'https://', ''),
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
