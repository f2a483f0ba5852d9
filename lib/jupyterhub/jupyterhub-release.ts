import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Environment } from '../../config/schema';
import { HUB_NAMESPACE } from '../hub-storage';
import { CHARTS } from '../platform/charts';
import { Values } from '../platform/helm-values';
import { PinnedRelease } from '../platform/pinned-release';
import { jupyterHubValues } from './hub-values';
import { JUPYTERHUB_RELEASE } from './names';
import { HubPool } from './profile-list';
import { UserSchedulerAccess } from './user-scheduler-access';

export interface JupyterHubReleaseProps {
  readonly env: Environment;
  /** The node pools the cluster stack created; profiles are checked against them. */
  readonly pools: readonly HubPool[];
  /** Validated ACM certificate for the hub's name. @default none (required when hub.https is 'acm') */
  readonly certificateArn?: string;
  /** What must exist first: the namespace, the home and shared claims, the EBS storage class. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The zero-to-jupyterhub release of one environment: values from the files in
 * values/jupyterhub/ and the typed layer (lib/jupyterhub/hub-values.ts), the OAuth client
 * secret read from AWS and handed to helm as a sensitive value (never in the repository
 * or the plan output).
 */
export class JupyterHubRelease extends Construct {
  readonly release: Release;
  readonly mergedValues: Values;

  constructor(scope: Construct, id: string, props: JupyterHubReleaseProps) {
    super(scope, id);
    const { env } = props;
    const { values, clientSecretPath } = jupyterHubValues({
      env,
      pools: props.pools,
      certificateArn: props.certificateArn,
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
      dependsOn: [...(props.dependsOn ?? []), schedulerAccess.binding],
    });
    this.release = pinned.release;
    this.mergedValues = pinned.mergedValues;

    const auth = env.hub.authentication;
    if (clientSecretPath && auth.type !== 'dummy') {
      const { source, name } = auth.clientSecret;
      const secret =
        source === 'secrets-manager'
          ? new DataAwsSecretsmanagerSecretVersion(this, 'client-secret', { secretId: name }).secretString
          : new DataAwsSsmParameter(this, 'client-secret', { name, withDecryption: true }).value;
      this.release.putSetSensitive([{ name: clientSecretPath, value: secret }]);
    }
  }
}
