import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Environment } from '../../config/schema';
import { HUB_NAMESPACE } from '../hub-storage';
import { CHARTS } from '../platform/charts';
import { Values } from '../platform/helm-values';
import { PinnedRelease } from '../platform/pinned-release';
import { clientSecretSource } from './authentication';
import { HubValuesInputs, jupyterHubValues } from './hub-values';
import { JUPYTERHUB_RELEASE } from './names';
import { OAuthClientSecret } from './oauth-client-secret';
import { HubPool } from './profile-list';
import { UserSchedulerAccess } from './user-scheduler-access';

export interface JupyterHubReleaseProps {
  readonly env: Environment;
  /** The node pools the cluster stack created; profiles are checked against them. */
  readonly pools: readonly HubPool[];
  /** Validated ACM certificate for the hub's name. @default none (required when hub.https is 'acm') */
  readonly certificateArn?: string;
  /** Serve the proxy's metrics to the metrics agent (lib/jupyterhub/hub-values.ts). @default none */
  readonly proxyMetrics?: HubValuesInputs['proxyMetrics'];
  /** What must exist first: the namespace, the home and shared claims, the EBS storage class. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The zero-to-jupyterhub release of one environment: values from the files in
 * values/jupyterhub/ and the typed layer (lib/jupyterhub/hub-values.ts), the OAuth client
 * secret read from AWS into a Kubernetes Secret the hub reads (never in the repository,
 * the values or the plan output), and the permissions of its user scheduler.
 */
export class JupyterHubRelease extends Construct {
  readonly release: Release;
  readonly mergedValues: Values;

  constructor(scope: Construct, id: string, props: JupyterHubReleaseProps) {
    super(scope, id);
    const { env } = props;
    const values = jupyterHubValues({
      env,
      pools: props.pools,
      certificateArn: props.certificateArn,
      proxyMetrics: props.proxyMetrics,
    });

    const secretSource = clientSecretSource(env.hub);
    const clientSecret = secretSource
      ? new OAuthClientSecret(this, 'client-secret', {
          source: secretSource,
          namespace: HUB_NAMESPACE,
          dependsOn: props.dependsOn,
        })
      : undefined;
    const schedulerAccess = new UserSchedulerAccess(this, 'user-scheduler-access', {
      namespace: HUB_NAMESPACE,
    });

    const pinned = new PinnedRelease(this, 'chart', {
      chart: CHARTS.jupyterhub,
      releaseName: JUPYTERHUB_RELEASE,
      namespace: HUB_NAMESPACE,
      envName: env.name,
      valuesDir: 'jupyterhub',
      values,
      // The first install waits for the NLB and the image pre-puller.
      timeoutSeconds: 900,
      dependsOn: [
        ...(props.dependsOn ?? []),
        ...(clientSecret ? [clientSecret.secret] : []),
        schedulerAccess.binding,
      ],
    });
    this.release = pinned.release;
    this.mergedValues = pinned.mergedValues;
  }
}
