/** EFS shared storage and S3 buckets. */
import { conditionValues, statementsOf } from '../iam';
import { StackView, TfResource, block, blocks, list } from '../stack-view';
import { SynthOutput } from '../synth-output';
import { Json, Rule } from '../types';
import { coversTcpPort, securityGroupRules } from './network';
import { outcome, show } from './outcome';

const NFS_PORT = 2049;
const EFS_CSI_DRIVER = 'efs.csi.aws.com';

function fileSystems(stack: StackView): TfResource[] {
  return stack.resources('aws_efs_file_system');
}

/** Resources of `type` whose `attribute` refers to `target`. */
function pointingAt(stack: StackView, type: string, attribute: string, target: TfResource): TfResource[] {
  return stack.resources(type).filter((r) => stack.refersTo(r.body[attribute], target));
}

/** Availability-zone expression of a subnet, comparable between subnets. */
function zoneOf(stack: StackView, subnetId: unknown): string | undefined {
  const subnet = stack.target(subnetId, 'aws_subnet');
  return subnet && JSON.stringify(subnet.body.availability_zone);
}

/**
 * Whether a security-group reference is a node security group: the cluster's, or one on a
 * node launch template. Pods hold these groups too (the VPC CNI gives pods their node's
 * groups), so admitting one admits every pod; efs.file-system-policy covers that.
 */
function isNodeSecurityGroup(stack: StackView, synth: SynthOutput, value: string): boolean {
  const found = synth.locate(stack, value);
  if (!found) return false;
  if (found.resource.type === 'aws_eks_cluster') return /cluster_security_group_id$/.test(found.attribute);
  return found.stack
    .resources('aws_launch_template')
    .some((t) => found.stack.refersTo(t.body.vpc_security_group_ids, found.resource));
}

function buckets(stack: StackView): TfResource[] {
  return stack.resources('aws_s3_bucket');
}

export const STORAGE_RULES: Rule[] = [
  {
    id: 'efs.encrypted',
    severity: 'must',
    title: 'EFS encrypted at rest',
    rationale: 'Home directories hold user data and credentials.',
    anchors: ['CKV_AWS_42', 'AWS-0037', 'EKS Best Practices: security/data, Encrypt data at rest'],
    reference: 'RC-20',
    *check(stack) {
      for (const fs of fileSystems(stack))
        yield outcome(fs.address, [fs.body.encrypted !== true && 'encrypted is not true']);
    },
  },
  {
    id: 'efs.customer-key',
    severity: 'should',
    title: 'EFS encrypted with a customer-managed key',
    rationale: 'A customer key gives rotation and an audit trail of its use.',
    anchors: ['CKV_AWS_184'],
    reference: 'RC-21',
    *check(stack, synth) {
      for (const fs of fileSystems(stack)) {
        const key = synth.locate(stack, fs.body.kms_key_id);
        yield outcome(fs.address, [
          key?.resource.type !== 'aws_kms_key' &&
            `kms_key_id ${show(fs.body.kms_key_id)} is not an aws_kms_key`,
        ]);
      }
    },
  },
  {
    id: 'efs.backup',
    severity: 'must',
    title: 'EFS backed up',
    rationale: 'Shared home directories are the only user data in the stack.',
    anchors: ['CKV2_AWS_18'],
    reference: 'RC-22',
    *check(stack) {
      for (const fs of fileSystems(stack)) {
        const policy = pointingAt(stack, 'aws_efs_backup_policy', 'file_system_id', fs).some(
          (p) => block(p.body.backup_policy)?.status === 'ENABLED',
        );
        const plan = stack
          .resources('aws_backup_selection')
          .some((s) => stack.refersTo(s.body.resources, fs));
        yield outcome(fs.address, [
          !policy && !plan && 'no aws_efs_backup_policy with status ENABLED and no aws_backup_selection',
        ]);
      }
    },
  },
  {
    id: 'efs.access-points-confined',
    severity: 'should',
    title: 'EFS access points confine root directory and identity',
    rationale: 'An access point at / with the caller identity lets every mount see every home directory.',
    anchors: ['CKV_AWS_329', 'CKV_AWS_330', 'EKS Best Practices: security/data, Use EFS access points'],
    reference: 'RC-23',
    *check(stack) {
      for (const ap of stack.resources('aws_efs_access_point')) {
        const path = block(ap.body.root_directory)?.path;
        const user = block(ap.body.posix_user);
        yield outcome(ap.address, [
          (path === undefined || path === '/') &&
            `root_directory.path is ${show(path)}, must be a subdirectory`,
          user?.gid === undefined && 'posix_user.gid is not set',
        ]);
      }
    },
  },
  {
    id: 'efs.throughput',
    severity: 'should',
    title: 'EFS throughput not bursting, or burst credits watched',
    rationale:
      'Small home-directory file systems run out of burst credits and every notebook slows down (pangeo hubs).',
    anchors: ['pangeo-data/pangeo-cloud-federation#384'],
    reference: 'RC-24, OL-13',
    *check(stack) {
      for (const fs of fileSystems(stack)) {
        const mode = fs.body.throughput_mode ?? 'bursting';
        const alarm = stack
          .resources('aws_cloudwatch_metric_alarm')
          .some((a) => a.body.metric_name === 'BurstCreditBalance' && stack.refersTo(a.body.dimensions, fs));
        yield outcome(fs.address, [
          mode === 'bursting' && !alarm && 'throughput_mode is bursting with no BurstCreditBalance alarm',
        ]);
      }
    },
  },
  {
    id: 'efs.mount-target-per-node-az',
    severity: 'must',
    title: 'An EFS mount target in every AZ that hosts nodes',
    rationale: 'A user pod scheduled in an AZ without a mount target cannot start.',
    anchors: [
      'cluster-autoscaler AWS README: Common Notes and Gotchas',
      'EKS Best Practices: networking/subnets',
    ],
    reference: 'RC-25',
    *check(stack) {
      const nodeZones = new Set(
        stack
          .resources('aws_eks_node_group')
          .flatMap((g) => list(g.body.subnet_ids).map((id) => zoneOf(stack, id) ?? String(id))),
      );
      for (const fs of fileSystems(stack)) {
        const mounted = new Set(
          pointingAt(stack, 'aws_efs_mount_target', 'file_system_id', fs).map(
            (m) => zoneOf(stack, m.body.subnet_id) ?? String(m.body.subnet_id),
          ),
        );
        const missing = [...nodeZones].filter((z) => !mounted.has(z));
        yield outcome(fs.address, [
          missing.length > 0 && `no mount target in the zone(s) of node subnets ${missing.join(', ')}`,
        ]);
      }
    },
  },
  {
    id: 'efs.nfs-from-nodes-only',
    severity: 'must',
    title: 'NFS reaches EFS only from the node security group (which every pod also holds)',
    rationale:
      'Open NFS exposes every home directory to whatever else runs in, or can reach, the VPC; the VPC CNI gives pods their node groups too, so only efs.file-system-policy confines mounts to the nodes.',
    anchors: ['EKS Best Practices: networking/subnets, Configure Security Groups Carefully'],
    reference: 'RC-25',
    *check(stack, synth) {
      const rules = securityGroupRules(stack);
      for (const target of stack.resources('aws_efs_mount_target')) {
        const groups = list(target.body.security_groups).map((g) => stack.target(g, 'aws_security_group'));
        const ingress = rules.filter(
          (r) =>
            r.direction === 'ingress' &&
            groups.some((g) => g && r.group?.address === g.address) &&
            coversTcpPort(r, NFS_PORT),
        );
        yield outcome(target.address, [
          groups.length === 0 && 'no security group of this stack',
          ingress.length === 0 && groups.length > 0 && 'no ingress rule admits NFS, so nodes cannot mount',
          ...ingress.map((r) => {
            // Addresses (CIDRs, prefix lists) and other groups can be anything in or beyond the VPC.
            const others = [
              ...r.cidrs,
              ...r.prefixLists.map((p) => `prefix list ${p}`),
              ...(r.self ? ['self'] : []),
              ...r.securityGroups.filter((sg) => !isNodeSecurityGroup(stack, synth, sg)),
            ];
            return (
              others.length > 0 &&
              `${r.address} admits NFS from ${others.join(', ')}, not only the node security group`
            );
          }),
        ]);
      }
    },
  },
  {
    id: 'efs.file-system-policy',
    severity: 'must',
    title: 'EFS file-system policy: named principals, mount target, TLS, access point, no root',
    rationale:
      'The VPC CNI gives pods their node security groups, so the network admits every pod; without a policy any client that reaches a mount target mounts / as root.',
    anchors: [
      'Amazon EFS User Guide: IAM to control file system data access (ClientMount, ClientRootAccess, AccessedViaMountTarget, AccessPointArn)',
      'CKV2_AWS_55 (EFS file system policy)',
    ],
    *check(stack) {
      for (const fs of fileSystems(stack)) {
        const policies = pointingAt(stack, 'aws_efs_file_system_policy', 'file_system_id', fs);
        const statements = policies.flatMap((p) => statementsOf(stack, p.body.policy) ?? []);
        const allows = statements.filter((s) => s.effect === 'Allow');
        const denies = statements.filter((s) => s.effect === 'Deny');
        const clientAllows = allows.filter((s) =>
          s.actions.some((a) => /^elasticfilesystem:Client|^\*$/.test(a)),
        );
        const open = clientAllows.filter((s) => list(s.principals.AWS).includes('*'));
        const root = allows.filter((s) =>
          s.actions.some((a) => a === 'elasticfilesystem:ClientRootAccess' || a === '*'),
        );
        const viaMountTarget = clientAllows.every((s) =>
          conditionValues(s, 'Bool', 'elasticfilesystem:AccessedViaMountTarget').includes('true'),
        );
        const tls = denies.some((s) => conditionValues(s, 'Bool', 'aws:SecureTransport').includes('false'));
        const accessPoint = denies.some((s) =>
          conditionValues(s, 'Null', 'elasticfilesystem:AccessPointArn').includes('true'),
        );
        yield outcome(fs.address, [
          policies.length === 0 &&
            'no aws_efs_file_system_policy: anyone who reaches a mount target mounts as root',
          policies.length > 0 && open.length > 0 && 'allows client access to Principal "*"',
          policies.length > 0 && root.length > 0 && 'grants elasticfilesystem:ClientRootAccess',
          policies.length > 0 &&
            !viaMountTarget &&
            'allows client access not conditioned on AccessedViaMountTarget',
          policies.length > 0 && !tls && 'no statement denies aws:SecureTransport false',
          policies.length > 0 && !accessPoint && 'no statement denies mounts without an access point',
        ]);
      }
    },
  },
  {
    id: 'efs.iam-mounts',
    severity: 'must',
    title: 'EFS volumes mount with IAM authorization',
    rationale:
      'The file-system policy can admit only named roles when mounts present IAM credentials; without the iam option the mount is anonymous.',
    anchors: ['aws-efs-csi-driver docs: IAM authorization (mountOptions iam)', 'efs-utils mount option iam'],
    *check(stack) {
      for (const pv of stack.resourcesOf('kubernetes_persistent_volume_v1', 'kubernetes_persistent_volume')) {
        const spec = block(pv.body.spec);
        const csi = block(block(spec?.persistent_volume_source)?.csi);
        if (csi?.driver !== EFS_CSI_DRIVER) continue;
        yield outcome(pv.address, [!list(spec?.mount_options).includes('iam') && 'mount_options lack iam']);
      }
      for (const sc of stack.resourcesOf('kubernetes_storage_class_v1', 'kubernetes_storage_class')) {
        if (sc.body.storage_provisioner !== EFS_CSI_DRIVER) continue;
        yield outcome(sc.address, [!list(sc.body.mount_options).includes('iam') && 'mount_options lack iam']);
      }
    },
  },
  {
    id: 'efs.tls-mounts',
    severity: 'must',
    title: 'EFS volumes mount with TLS',
    rationale: 'The CSI driver encrypts NFS in transit unless a volume opts out.',
    anchors: ['aws-efs-csi-driver docs/parameters.md (encryptInTransit)'],
    reference: 'RC-26',
    *check(stack) {
      for (const pv of stack.resourcesOf('kubernetes_persistent_volume_v1', 'kubernetes_persistent_volume')) {
        const spec = block(pv.body.spec);
        const csi = block(block(spec?.persistent_volume_source)?.csi);
        if (csi?.driver !== EFS_CSI_DRIVER) continue;
        yield outcome(pv.address, [
          String(csi.volume_attributes?.encryptInTransit) === 'false' &&
            'volume_attributes.encryptInTransit is "false"',
          list(spec?.mount_options).includes('notls') && 'mount_options include notls',
        ]);
      }
      for (const sc of stack.resourcesOf('kubernetes_storage_class_v1', 'kubernetes_storage_class')) {
        if (sc.body.storage_provisioner !== EFS_CSI_DRIVER) continue;
        yield outcome(sc.address, [
          String(sc.body.parameters?.encryptInTransit) === 'false' &&
            'parameters.encryptInTransit is "false"',
          list(sc.body.mount_options).includes('notls') && 'mount_options include notls',
        ]);
      }
    },
  },
  {
    id: 's3.public-access-blocked',
    severity: 'must',
    title: 'S3 public access fully blocked',
    rationale: 'State and log buckets must never become public through an ACL or a policy.',
    anchors: ['CKV2_AWS_6', 'CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56', 'AWS-0094'],
    reference: 'RC-43',
    *check(stack) {
      const flags = [
        'block_public_acls',
        'block_public_policy',
        'ignore_public_acls',
        'restrict_public_buckets',
      ];
      for (const bucket of buckets(stack)) {
        const block = pointingAt(stack, 'aws_s3_bucket_public_access_block', 'bucket', bucket)[0];
        const off = flags.filter((f) => block?.body[f] !== true);
        yield outcome(bucket.address, [
          !block && 'no aws_s3_bucket_public_access_block',
          block && off.length > 0 && `${off.join(', ')} not true`,
        ]);
      }
    },
  },
  {
    id: 's3.versioning',
    severity: 'should',
    title: 'S3 versioning on',
    rationale: 'A bad apply or a delete of state can then be rolled back.',
    anchors: ['CKV_AWS_21', 'AWS-0090'],
    reference: 'RC-44',
    *check(stack) {
      for (const bucket of buckets(stack)) {
        const enabled = pointingAt(stack, 'aws_s3_bucket_versioning', 'bucket', bucket).some(
          (v) => block(v.body.versioning_configuration)?.status === 'Enabled',
        );
        yield outcome(bucket.address, [!enabled && 'no aws_s3_bucket_versioning with status Enabled']);
      }
    },
  },
  {
    id: 's3.kms-encryption',
    severity: 'should',
    title: 'S3 encrypted with KMS',
    rationale: 'A customer key puts reads of state (which holds secrets) under key policy and audit.',
    anchors: ['CKV_AWS_145', 'CKV_AWS_19', 'AWS-0088'],
    reference: 'RC-45',
    *check(stack) {
      for (const bucket of buckets(stack)) {
        const kms = pointingAt(
          stack,
          'aws_s3_bucket_server_side_encryption_configuration',
          'bucket',
          bucket,
        ).some((c) =>
          blocks(c.body.rule).some(
            (r: Json) => block(r.apply_server_side_encryption_by_default)?.sse_algorithm === 'aws:kms',
          ),
        );
        yield outcome(bucket.address, [!kms && 'no server-side encryption configuration with aws:kms']);
      }
    },
  },
  {
    id: 's3.tls-only',
    severity: 'should',
    title: 'S3 reachable only over TLS',
    rationale:
      'State files carry secrets; a bucket policy denying aws:SecureTransport false keeps them off plain HTTP.',
    anchors: ['AWS Security Hub S3.5'],
    *check(stack) {
      for (const bucket of buckets(stack)) {
        const denies = pointingAt(stack, 'aws_s3_bucket_policy', 'bucket', bucket).some((p) =>
          (statementsOf(stack, p.body.policy) ?? []).some(
            (s) => s.effect === 'Deny' && conditionValues(s, 'Bool', 'aws:SecureTransport').includes('false'),
          ),
        );
        yield outcome(bucket.address, [!denies && 'no bucket policy denies aws:SecureTransport false']);
      }
    },
  },
];
