import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { CHARTS } from '../platform/charts';
import { Values } from '../platform/helm-values';
import { PinnedRelease } from '../platform/pinned-release';
import { agentValues } from './agent-values';
import { AwsSecretValue } from './aws-secret-value';
import { PodSize } from './central-values';
import { DcgmExporter } from './dcgm-exporter';
import { AGENT_CREDENTIALS_SECRET, AGENT_RELEASE, PASSWORD_KEY } from './names';

export interface MetricsAgentProps {
  readonly envName: string;
  /** The hub cluster's name: the `cluster` label of every series. */
  readonly clusterName: string;
  /** The hub's namespace: the agent runs there, next to the chart's Secret with its token. */
  readonly hubNamespace: string;
  /** The hub chart's Secret and key holding the metrics service's token. */
  readonly hubTokenSecret: { readonly name: string; readonly key: string };
  /** The central receiver's URL. */
  readonly receiverUrl: string;
  /** Secrets Manager secret with this environment's `{"password", "bcrypt"}`. */
  readonly credentialsSecretName: string;
  /** host:port of cluster-autoscaler's metrics Service. */
  readonly clusterAutoscaler: string;
  /** Whether the cluster has GPU pools: they get the DCGM exporter. */
  readonly gpus: boolean;
  /** Tolerations for every taint of the cluster's pools (node-exporter runs everywhere). */
  readonly nodeTolerations: readonly Values[];
  /** @default 500m, 1Gi */
  readonly size?: PodSize;
  /** What must exist first: the namespace, the JupyterHub release (its Secret). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A reporting hub's metrics agent: Prometheus in agent mode with kube-state-metrics and
 * node-exporter (the pinned prometheus chart), the DCGM exporter where there are GPUs, and
 * its remote-write password copied from AWS into the hub namespace.
 */
export class MetricsAgent extends Construct {
  readonly release: PinnedRelease;
  readonly dcgmExporter?: DcgmExporter;

  constructor(scope: Construct, id: string, props: MetricsAgentProps) {
    super(scope, id);
    const password = new AwsSecretValue(this, 'password', {
      source: 'secrets-manager',
      name: props.credentialsSecretName,
      jsonKey: PASSWORD_KEY,
    });
    const credentials = new SecretV1(this, 'credentials', {
      metadata: { name: AGENT_CREDENTIALS_SECRET, namespace: props.hubNamespace },
      type: 'Opaque',
      data: { [PASSWORD_KEY]: password.value },
      dependsOn: props.dependsOn,
    });
    this.release = new PinnedRelease(this, 'release', {
      chart: CHARTS.prometheus,
      releaseName: AGENT_RELEASE,
      namespace: props.hubNamespace,
      envName: props.envName,
      valuesDir: 'metrics-agent',
      values: agentValues({
        clusterName: props.clusterName,
        environment: props.envName,
        hubNamespace: props.hubNamespace,
        receiverUrl: props.receiverUrl,
        hubTokenSecret: props.hubTokenSecret,
        clusterAutoscaler: props.clusterAutoscaler,
        gpus: props.gpus,
        server: props.size ?? { cpuMillis: 500, memoryMiB: 1024 },
        nodeTolerations: props.nodeTolerations,
      }),
      dependsOn: [...(props.dependsOn ?? []), credentials],
    });
    if (props.gpus) this.dcgmExporter = new DcgmExporter(this, 'dcgm-exporter', { envName: props.envName });
  }
}
