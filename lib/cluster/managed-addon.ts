import { DataAwsEksAddonVersion } from '@cdktf/provider-aws/lib/data-aws-eks-addon-version';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface ManagedAddonProps {
  readonly cluster: EksCluster;
  readonly addonName: string;
  /** IRSA role for the add-on's service account. @default the node role */
  readonly serviceAccountRoleArn?: string;
  /** The add-on's configuration values, serialised to JSON. @default none */
  readonly configuration?: Readonly<Record<string, unknown>>;
  /** Resources that must exist first (node groups, for add-ons that run as Deployments). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * An EKS managed add-on at the default version AWS publishes for the cluster's
 * Kubernetes version, so an upgrade of the cluster version moves it deliberately.
 */
export class ManagedAddon extends Construct {
  readonly addon: EksAddon;

  constructor(scope: Construct, id: string, props: ManagedAddonProps) {
    super(scope, id);
    const version = new DataAwsEksAddonVersion(this, 'version', {
      addonName: props.addonName,
      kubernetesVersion: props.cluster.version,
      mostRecent: false,
    });
    this.addon = new EksAddon(this, 'addon', {
      clusterName: props.cluster.name,
      addonName: props.addonName,
      addonVersion: version.version,
      serviceAccountRoleArn: props.serviceAccountRoleArn,
      configurationValues: props.configuration ? JSON.stringify(props.configuration) : undefined,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      dependsOn: props.dependsOn,
    });
  }
}
