import { TerraformDataSource, TerraformResource, TerraformStack, Testing } from 'cdktf';
import { AwsAccount } from '../../../lib/aws-account';
import { HardenedCluster } from '../../../lib/cluster/hardened-cluster';
import { synthJson } from '../../support/constructs';
import { resourcesOf } from '../../support/synth';

/** The construct path, below the stack, of every Terraform resource and data source in `stack`. */
function elementPaths(stack: TerraformStack): string[] {
  return stack.node
    .findAll()
    .filter((c) => c instanceof TerraformResource || c instanceof TerraformDataSource)
    .map((c) => c.node.path.slice(stack.node.path.length + 1));
}

describe('HardenedCluster', () => {
  const stack = new TerraformStack(Testing.app(), 'probe');
  const account = new AwsAccount(stack, 'account');
  const hardened = new HardenedCluster(stack, 'hardened-cluster', {
    account,
    name: 'lab',
    kubernetesVersion: '1.35',
    vpcCidr: '10.42.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    natGateways: 'single',
    publicEndpointCidrs: [],
    admins: ['arn:aws:iam::123456789012:role/Admin'],
    logRetentionDays: 90,
  });
  const pool = hardened.addNodePool('core', {
    instanceType: 'm5.large',
    amiType: 'AL2023_x86_64_STANDARD',
    minSize: 1,
    maxSize: 2,
    desiredSize: 1,
    diskSizeGiB: 50,
    subnetIds: [hardened.network.privateSubnets[0].id],
    labels: {},
    taints: [],
  });
  hardened.addDeploymentAddons(pool.nodeGroup);
  const json = synthJson(stack);
  const addon = (name: string) => resourcesOf(json, 'aws_eks_addon').find(([, a]) => a.addon_name === name)!;

  it('creates its resources at the addresses the stacks gave them, nothing under its own id', () => {
    const tops = new Set(elementPaths(stack).map((path) => path.split('/')[0]));
    expect([...tops].sort()).toEqual(
      [
        'account',
        'coredns',
        'ebs-csi-driver',
        'ebs-csi-role',
        'eks',
        'kube-proxy',
        'log-key',
        'network',
        'node-role',
        'pool-core',
        'secrets-key',
        'vpc-cni',
        'vpc-cni-role',
      ].sort(),
    );
  });

  it('encrypts the control-plane and flow logs with one key and Secrets with another', () => {
    const alias = (name: string) => resourcesOf(json, 'aws_kms_alias').find(([, a]) => a.name === name)![1];
    const logKey = alias('alias/lab/logs');
    const secretsKey = alias('alias/lab/eks-secrets');
    const logKeyRef = `aws_kms_key.${/aws_kms_key\.([^.]+)\./.exec(logKey.target_key_id)![1]}.arn`;
    const groups = resourcesOf(json, 'aws_cloudwatch_log_group').map(([, g]) => [g.name, g.kms_key_id]);
    expect(groups.sort()).toEqual([
      ['/aws/eks/lab/cluster', `\${${logKeyRef}}`],
      ['/aws/vpc/lab/flow-logs', `\${${logKeyRef}}`],
    ]);
    const [[, cluster]] = resourcesOf(json, 'aws_eks_cluster');
    expect(cluster.encryption_config.provider.key_arn).toBe(
      secretsKey.target_key_id.replace('.key_id}', '.arn}'),
    );
  });

  it('builds the VPC and a private cluster from its props', () => {
    const [[, vpc]] = resourcesOf(json, 'aws_vpc');
    expect(vpc.cidr_block).toBe('10.42.0.0/16');
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(1);
    const [[, cluster]] = resourcesOf(json, 'aws_eks_cluster');
    expect(cluster.name).toBe('lab');
    expect(cluster.vpc_config.endpoint_public_access).toBe(false);
    expect(cluster.vpc_config.subnet_ids).toHaveLength(2);
  });

  it('adds node pools of the cluster, with the node role, that wait for the network add-ons', () => {
    const [[, group]] = resourcesOf(json, 'aws_eks_node_group');
    expect(group.node_group_name).toBe('lab-core');
    expect(group.cluster_name).toMatch(/^\$\{aws_eks_cluster\.eks_cluster_[0-9A-F]+\.name\}$/);
    expect(group.node_role_arn).toMatch(/^\$\{aws_iam_role\.node-role_[0-9A-F]+\.arn\}$/);
    expect(group.depends_on).toEqual([
      `aws_eks_addon.${addon('vpc-cni')[0]}`,
      `aws_eks_addon.${addon('kube-proxy')[0]}`,
    ]);
  });

  it('has the Deployments among the add-ons wait for the node pool it is given', () => {
    const [[groupId]] = resourcesOf(json, 'aws_eks_node_group');
    for (const name of ['coredns', 'aws-ebs-csi-driver']) {
      expect(addon(name)[1].depends_on).toEqual([`aws_eks_node_group.${groupId}`]);
    }
  });
});
