import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { CHARTS } from '../platform/charts';
import { PinnedRelease } from '../platform/pinned-release';
import { AwsSecretValue } from './aws-secret-value';
import { GrafanaValuesInputs, grafanaValues } from './grafana-values';
import { GRAFANA_OAUTH_KEY, GRAFANA_OAUTH_SECRET, GRAFANA_RELEASE } from './names';

export interface GrafanaProps extends GrafanaValuesInputs {
  readonly envName: string;
  readonly namespace: string;
  /** Where the OAuth client secret is kept in AWS. */
  readonly clientSecret: {
    readonly source: 'secrets-manager' | 'ssm';
    readonly name: string;
    readonly jsonKey?: string;
  };
  /** The namespace, the Prometheus release and its reader Secret. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/** Grafana with its OAuth client secret copied from AWS into a Secret it mounts. */
export class Grafana extends Construct {
  readonly release: PinnedRelease;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const clientSecret = new AwsSecretValue(this, 'client-secret-value', props.clientSecret);
    const secret = new SecretV1(this, 'client-secret', {
      metadata: { name: GRAFANA_OAUTH_SECRET, namespace: props.namespace },
      data: { [GRAFANA_OAUTH_KEY]: clientSecret.value },
      dependsOn: props.dependsOn,
    });
    this.release = new PinnedRelease(this, 'release', {
      chart: CHARTS.grafana,
      releaseName: GRAFANA_RELEASE,
      namespace: props.namespace,
      envName: props.envName,
      values: grafanaValues(props),
      // The first install waits for the NLB.
      timeoutSeconds: 900,
      dependsOn: [...(props.dependsOn ?? []), secret],
    });
  }
}
