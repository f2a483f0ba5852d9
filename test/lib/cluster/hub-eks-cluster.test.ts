import { CONTROL_PLANE_LOG_TYPES } from '../../../lib/cluster/hub-eks-cluster';
import { resourcesOf, synthStacks } from '../../support/synth';

describe('HubEksCluster', () => {
  const stacks = synthStacks();
  const prod = stacks.get('hub-cluster-prod')!;
  const [[clusterId, cluster]] = resourcesOf(prod, 'aws_eks_cluster');

  it('runs the pinned Kubernetes version, in standard support only', () => {
    expect(cluster.version).toBe('1.35');
    expect(cluster.upgrade_policy).toEqual({ support_type: 'STANDARD' });
  });

  it('keeps the API endpoint private unless config lists CIDRs', () => {
    expect(cluster.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.vpc_config.endpoint_public_access).toBe(false);
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
    expect(cluster.vpc_config.subnet_ids).toHaveLength(3);
  });

  it('ships all five control-plane log types into a pre-created, encrypted log group', () => {
    expect(cluster.enabled_cluster_log_types).toEqual(CONTROL_PLANE_LOG_TYPES);
    expect(CONTROL_PLANE_LOG_TYPES).toEqual([
      'api',
      'audit',
      'authenticator',
      'controllerManager',
      'scheduler',
    ]);
    const [groupId, group] = resourcesOf(prod, 'aws_cloudwatch_log_group').find(
      ([, g]) => g.name === '/aws/eks/hub-prod/cluster',
    )!;
    expect(group.kms_key_id).toBeDefined();
    expect(cluster.depends_on).toContain(`aws_cloudwatch_log_group.${groupId}`);
  });

  it('envelope-encrypts Secrets with a rotating key', () => {
    const keyRef = cluster.encryption_config.provider.key_arn as string;
    const keyId = /aws_kms_key\.([^.]+)\.arn/.exec(keyRef)![1];
    expect(cluster.encryption_config.resources).toEqual(['secrets']);
    expect(prod.resource.aws_kms_key[keyId].enable_key_rotation).toBe(true);
  });

  it('uses access entries and gives the creator no standing admin', () => {
    expect(cluster.access_config).toEqual({
      authentication_mode: 'API',
      bootstrap_cluster_creator_admin_permissions: false,
    });
    const [[, entry]] = resourcesOf(prod, 'aws_eks_access_entry');
    expect(entry.principal_arn).toBe('arn:aws:iam::123456789012:role/HubAdmin');
    const [[, association]] = resourcesOf(prod, 'aws_eks_access_policy_association');
    expect(association.policy_arn).toMatch(/:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/);
    expect(association.access_scope).toEqual({ type: 'cluster' });
  });

  it('registers the cluster OIDC issuer for IAM roles for service accounts', () => {
    const [[, provider]] = resourcesOf(prod, 'aws_iam_openid_connect_provider');
    expect(provider.url).toBe(`\${aws_eks_cluster.${clusterId}.identity[0].oidc[0].issuer}`);
    expect(provider.client_id_list).toEqual(['sts.amazonaws.com']);
  });
});
