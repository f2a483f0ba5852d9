import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Environment } from '../../config/schema';
import { HUB_NAMESPACE } from '../hub-storage';
import { CHARTS } from '../platform/charts';
import { Values } from '../platform/helm-values';
import { PinnedRelease } from '../platform/pinned-release';
import { AwsAccount } from '../aws-account';
import { clusterName } from '../naming';
import { loginSecret } from './authentication';
import { HubValuesInputs, jupyterHubValues } from './hub-values';
import { JUPYTERHUB_RELEASE } from './names';
import { OAuthClientSecret } from './oauth-client-secret';
import { HubPool } from './profile-list';
import { UserSchedulerAccess } from './user-scheduler-access';
import { UserServerOwner } from './user-server-owner';

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
 * values/jupyterhub/ and the typed layer (lib/jupyterhub/hub-values.ts), the login's secret
 * read from AWS into a Kubernetes Secret the hub reads (never in the repository, the values,
 * the plan or the state), and the permissions of its user scheduler.
 */
export class JupyterHubRelease extends Construct {
  readonly release: Release;
  readonly mergedValues: Values;
  /** The ConfigMap every user server is owned by. */
  readonly serverOwner: UserServerOwner;

  constructor(scope: Construct, id: string, props: JupyterHubReleaseProps) {
    super(scope, id);
    const { env } = props;
    // Created after the namespace and claims, destroyed after the release and before them:
    // its deletion stops every user server, so the claims can go (lib/jupyterhub/user-server-owner.ts).
    this.serverOwner = new UserServerOwner(this, 'user-server-owner', {
      namespace: HUB_NAMESPACE,
      dependsOn: props.dependsOn,
    });
    const values = jupyterHubValues({
      env,
      pools: props.pools,
      certificateArn: props.certificateArn,
      serverOwner: this.serverOwner.owner,
      proxyMetrics: props.proxyMetrics,
    });

    const secret = loginSecret(env.hub, clusterName(env));
    const clientSecret = new OAuthClientSecret(this, 'client-secret', {
      source: secret.source,
      namespace: HUB_NAMESPACE,
      account: secret.source.source === 'ssm' ? new AwsAccount(this, 'account') : undefined,
      field: env.hub.authentication.type === 'shared-password' ? 'the shared password' : undefined,
      dependsOn: props.dependsOn,
    });
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
        this.serverOwner.configMap,
        clientSecret.secret,
        schedulerAccess.binding,
      ],
    });
    this.release = pinned.release;
    this.mergedValues = pinned.mergedValues;
  }
}
