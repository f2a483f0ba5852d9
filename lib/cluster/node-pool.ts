import { AutoscalingGroupTagA as AutoscalingGroupTag } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { EKS_TAINT_EFFECT, GPU_RESOURCE, NodeTaint } from '../node-scheduling';

export interface NodePoolProps {
  readonly cluster: EksCluster;
  /** The cluster's name as a plain string, for resource names and tag keys. */
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly nodeRoleArn: string;
  /** Pool name, unique in the cluster (`core`, `user`, `gpu`). */
  readonly poolName: string;
  readonly instanceType: string;
  readonly amiType: string;
  readonly minSize: number;
  readonly maxSize: number;
  /** Only applied when the group is created; the autoscaler owns it afterwards. */
  readonly desiredSize: number;
  readonly diskSizeGiB: number;
  /** Private subnets only: nodes get no public address. */
  readonly subnetIds: string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];
  /** NVIDIA GPUs per node, advertised to the autoscaler for scale-from-zero. @default 0 */
  readonly gpus?: number;
  /**
   * Pods sharing each GPU through time-slicing: the device plugin then advertises
   * `gpus` × this many `nvidia.com/gpu`, and the scale-from-zero tag must say the same.
   * @default 1
   */
  readonly gpuTimeSlicingReplicas?: number;
  /** Tags on every instance the pool launches, from its first. @default none */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** What must exist before nodes can join (the CNI add-on). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/** Tag prefix through which cluster-autoscaler learns what an empty group's nodes would look like. */
const NODE_TEMPLATE = 'k8s.io/cluster-autoscaler/node-template';

/**
 * The auto-scaling-group tags that let cluster-autoscaler scale a pool up from zero: it
 * cannot inspect a node that does not exist, so the ASG must advertise every label and
 * taint a pod may select on, and the GPUs, plus the tags auto-discovery looks for.
 */
export function autoscalerTags(
  props: Pick<NodePoolProps, 'clusterName' | 'labels' | 'taints' | 'gpus' | 'gpuTimeSlicingReplicas'>,
): Record<string, string> {
  const tags: Record<string, string> = {
    'k8s.io/cluster-autoscaler/enabled': 'true',
    [`k8s.io/cluster-autoscaler/${props.clusterName}`]: 'owned',
  };
  for (const [key, value] of Object.entries(props.labels)) tags[`${NODE_TEMPLATE}/label/${key}`] = value;
  for (const taint of props.taints)
    tags[`${NODE_TEMPLATE}/taint/${taint.key}`] = `${taint.value}:${taint.effect}`;
  // What the node will advertise, not what it has: an empty group sized on physical GPUs
  // would look too small for a queue of time-sliced servers.
  if (props.gpus) {
    const advertised = props.gpus * (props.gpuTimeSlicingReplicas ?? 1);
    tags[`${NODE_TEMPLATE}/resources/${GPU_RESOURCE}`] = String(advertised);
  }
  return tags;
}

/**
 * A managed node group with its own launch template: IMDSv2 only with a hop limit of 1
 * (pods cannot borrow the node's credentials), an encrypted gp3 root volume, no SSH key.
 */
export class NodePool extends Construct {
  readonly nodeGroup: EksNodeGroup;
  /** Name of the auto-scaling group EKS created for the pool. */
  readonly autoScalingGroupName: string;

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    const groupName = `${props.clusterName}-${props.poolName}`;

    const template = new LaunchTemplate(this, 'launch-template', {
      name: groupName,
      description: `Nodes of the ${props.poolName} pool of ${props.clusterName}`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          // The AL2023 AMIs boot from xvda: this makes the root volume encrypted gp3.
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: props.diskSizeGiB,
            volumeType: 'gp3',
            encrypted: 'true',
            deleteOnTermination: 'true',
          },
        },
      ],
      tagSpecifications: [{ resourceType: 'instance', tags: { ...props.instanceTags, Name: groupName } }],
    });

    this.nodeGroup = new EksNodeGroup(this, 'node-group', {
      clusterName: props.cluster.name,
      nodeGroupName: groupName,
      version: props.kubernetesVersion,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: props.subnetIds,
      amiType: props.amiType,
      instanceTypes: [props.instanceType],
      capacityType: 'ON_DEMAND',
      scalingConfig: { minSize: props.minSize, maxSize: props.maxSize, desiredSize: props.desiredSize },
      updateConfig: { maxUnavailable: 1 },
      labels: { ...props.labels },
      taint: props.taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECT[t.effect] })),
      launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
      // cluster-autoscaler changes the desired size; a later apply must not undo it.
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
      dependsOn: props.dependsOn,
    });

    this.autoScalingGroupName = this.nodeGroup.resources.get(0).autoscalingGroups.get(0).name;
    for (const [key, value] of Object.entries(autoscalerTags(props))) {
      new AutoscalingGroupTag(this, `asg-tag-${key.replace(/[^a-zA-Z0-9-]+/g, '-')}`, {
        autoscalingGroupName: this.autoScalingGroupName,
        tag: { key, value, propagateAtLaunch: false },
      });
    }
  }
}
