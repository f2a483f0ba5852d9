import { NOTEBOOK_GID, NOTEBOOK_UID } from '../../../lib/hub-storage';
import { configuredEnvironments, releaseOf, resourcesOf, synthStacks } from '../../support/synth';

const stacks = synthStacks();
const environments = configuredEnvironments();
const cluster = (name: string) => stacks.get(`hub-cluster-${name}`)!;

describe('SharedFileSystem', () => {
  it.each(environments.map((e) => e.name))(
    '%s: encrypted with a rotating key, elastic, backed up, tiered',
    (name) => {
      const stack = cluster(name);
      const [[, fs]] = resourcesOf(stack, 'aws_efs_file_system');
      expect(fs.encrypted).toBe(true);
      const keyId = fs.kms_key_id.match(/^\$\{aws_kms_key\.(.+)\.arn\}$/)[1];
      expect(stack.resource.aws_kms_key[keyId].enable_key_rotation).toBe(true);
      expect(fs.throughput_mode).toBe('elastic');
      expect(fs.lifecycle_policy).toEqual([
        { transition_to_ia: 'AFTER_30_DAYS' },
        { transition_to_primary_storage_class: 'AFTER_1_ACCESS' },
      ]);
      const [[, backup]] = resourcesOf(stack, 'aws_efs_backup_policy');
      expect(backup.backup_policy.status).toBe('ENABLED');
    },
  );

  it('protects the file system from destroy in the production tier only', () => {
    for (const env of environments) {
      const [[, fs]] = resourcesOf(cluster(env.name), 'aws_efs_file_system');
      expect(fs.lifecycle.prevent_destroy).toBe(env.tier === 'production');
    }
  });

  it.each(environments.map((e) => e.name))(
    '%s: a mount target in every private subnet, NFS only from nodes',
    (name) => {
      const stack = cluster(name);
      const privateSubnets = resourcesOf(stack, 'aws_subnet')
        .filter(([, s]) => s.tags.Name.includes('-private-'))
        .map(([id]) => `\${aws_subnet.${id}.id}`);
      const targets = resourcesOf(stack, 'aws_efs_mount_target').map(([, t]) => t);
      expect(targets.map((t) => t.subnet_id).sort()).toEqual(privateSubnets.sort());

      const [[sgId]] = resourcesOf(stack, 'aws_security_group').filter(
        ([, g]) => g.name === `hub-${name}-efs`,
      );
      targets.forEach((t) => expect(t.security_groups).toEqual([`\${aws_security_group.${sgId}.id}`]));
      const rules = resourcesOf(stack, 'aws_vpc_security_group_ingress_rule').filter(
        ([, r]) => r.security_group_id === `\${aws_security_group.${sgId}.id}`,
      );
      expect(rules).toHaveLength(1);
      const [[, rule]] = rules;
      expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 2049, to_port: 2049 });
      expect(rule.referenced_security_group_id).toMatch(
        /aws_eks_cluster\..+\.vpc_config\[0\]\.cluster_security_group_id/,
      );
      expect(rule.cidr_ipv4).toBeUndefined();
    },
  );

  it('gives home and shared access points the notebook identity and their own root folder', () => {
    const points = resourcesOf(cluster('hackweek'), 'aws_efs_access_point').map(([, p]) => p);
    expect(points.map((p) => p.root_directory.path).sort()).toEqual(['/home', '/shared']);
    for (const point of points) {
      expect(point.posix_user).toEqual({ uid: NOTEBOOK_UID, gid: NOTEBOOK_GID });
      expect(point.root_directory.creation_info).toMatchObject({
        owner_uid: NOTEBOOK_UID,
        owner_gid: NOTEBOOK_GID,
      });
    }
  });

  it('binds the CSI controller role to its service account and to this file system', () => {
    const stack = cluster('prod');
    const [, role] = resourcesOf(stack, 'aws_iam_role').find(([, r]) => r.name === 'hub-prod-efs-csi')!;
    const conditions = JSON.parse(role.assume_role_policy).Statement[0].Condition.StringEquals;
    expect(Object.entries(conditions).find(([k]) => k.endsWith(':sub'))![1]).toBe(
      'system:serviceaccount:kube-system:efs-csi-controller-sa',
    );
    const [, inline] = resourcesOf(stack, 'aws_iam_role_policy').find(
      ([, p]) => p.name === 'hub-prod-efs-csi',
    )!;
    const statements = JSON.parse(inline.policy).Statement;
    const [[fsId]] = resourcesOf(stack, 'aws_efs_file_system');
    const create = statements.find((s: { Sid: string }) => s.Sid === 'CreateClusterTaggedAccessPoints');
    expect(create.Action).toBe('elasticfilesystem:CreateAccessPoint');
    expect(create.Resource).toContain(`\${aws_efs_file_system.${fsId}.arn}`);
    // This cluster's own tag: the driver's constant efs.csi.aws.com/cluster=true is every cluster's.
    expect(create.Condition).toEqual({ StringEquals: { 'aws:RequestTag/hub/efs-csi-cluster': 'hub-prod' } });
    const tag = statements.find((s: { Sid: string }) => s.Sid === 'TagOnCreateOnly');
    expect(tag.Action).toBe('elasticfilesystem:TagResource');
    expect(tag.Condition.StringEquals).toEqual({
      'aws:RequestTag/hub/efs-csi-cluster': 'hub-prod',
      'elasticfilesystem:CreateAction': 'CreateAccessPoint',
    });
    const remove = statements.find((s: { Sid: string }) => s.Sid === 'DeleteClusterTaggedAccessPoints');
    expect(remove.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/hub/efs-csi-cluster': 'hub-prod' } });
    // No statement grants tagging or deleting without this cluster's tag.
    for (const statement of statements) {
      const actions = [statement.Action].flat();
      if (actions.some((a: string) => /TagResource|DeleteAccessPoint/.test(a)))
        expect(JSON.stringify(statement.Condition)).toContain('hub/efs-csi-cluster');
    }
  });

  it("hands the platform's CSI controller the tag its role is conditioned on", () => {
    const { values } = releaseOf(stacks.get('hub-platform-prod')!, 'aws-efs-csi-driver');
    expect(values.controller.tags).toEqual({ 'hub/efs-csi-cluster': 'hub-prod' });
  });

  it('lets only the node role mount, through a mount target, over TLS, through an access point, never as root', () => {
    const stack = cluster('prod');
    const [[fsId]] = resourcesOf(stack, 'aws_efs_file_system');
    const [[, policy]] = resourcesOf(stack, 'aws_efs_file_system_policy');
    expect(policy.file_system_id).toBe(`\${aws_efs_file_system.${fsId}.id}`);
    const statements = JSON.parse(policy.policy).Statement;
    const allows = statements.filter((s: { Effect: string }) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [nodeRole] = resourcesOf(stack, 'aws_iam_role').find(([, r]) => r.name === 'hub-prod-node')!;
    expect(allows[0]).toMatchObject({
      Principal: { AWS: `\${aws_iam_role.${nodeRole}.arn}` },
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Condition: {
        Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true', 'aws:SecureTransport': 'true' },
        Null: { 'elasticfilesystem:AccessPointArn': 'false' },
      },
    });
    expect(JSON.stringify(allows)).not.toContain('ClientRootAccess');
    const denies = statements.filter((s: { Effect: string }) => s.Effect === 'Deny');
    expect(denies.map((s: { Condition: unknown }) => s.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
      { Null: { 'elasticfilesystem:AccessPointArn': 'true' } },
    ]);
  });
});
