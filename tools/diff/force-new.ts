/**
 * The attributes that force Terraform to replace a resource, for the resource types that
 * hold data or identity. The prebuilt bindings (`@cdktf/provider-aws`) carry no schema
 * flags, so this table is taken from the AWS provider's own schema: the attributes marked
 * `ForceNew: true` in hashicorp/terraform-provider-aws (v6, the line the bindings pin,
 * provider 6.25.0), file by file as listed in `source`. Paths are attribute paths in the
 * synthesized JSON, nested blocks joined with dots (`vpc_config.subnet_ids`).
 *
 * An attribute that is not listed is treated as updatable in place; a real plan (the pull
 * request's `terraform plan`) has the final word through its `replace_paths`. Not modelled:
 * replacements a resource's CustomizeDiff decides from old and new values (an EKS
 * cluster's encryption_config removed, an Auto Mode compute_config role changed).
 */

export interface ForceNewEntry {
  /** Attribute paths that force a new resource when their value changes. */
  readonly attributes: readonly string[];
  /** Where the list comes from, in the provider's source tree. */
  readonly source: string;
}

const PROVIDER = 'hashicorp/terraform-provider-aws';

export const FORCE_NEW: Readonly<Record<string, ForceNewEntry>> = {
  aws_eks_cluster: {
    attributes: [
      'name',
      'role_arn',
      'bootstrap_self_managed_addons',
      'access_config.bootstrap_cluster_creator_admin_permissions',
      'kubernetes_network_config.ip_family',
      'kubernetes_network_config.service_ipv4_cidr',
      'outpost_config.control_plane_instance_type',
      'remote_network_config',
    ],
    source: `${PROVIDER} internal/service/eks/cluster.go (vpc_config.subnet_ids and security_group_ids are updatable since the v6 schema)`,
  },
  aws_eks_node_group: {
    attributes: [
      'ami_type',
      'capacity_type',
      'cluster_name',
      'disk_size',
      'instance_types',
      'launch_template.id',
      'launch_template.name',
      'node_group_name',
      'node_group_name_prefix',
      'node_role_arn',
      'remote_access',
      'subnet_ids',
    ],
    source: `${PROVIDER} internal/service/eks/node_group.go`,
  },
  aws_efs_file_system: {
    attributes: ['availability_zone_name', 'creation_token', 'encrypted', 'kms_key_id', 'performance_mode'],
    source: `${PROVIDER} internal/service/efs/file_system.go`,
  },
  aws_efs_mount_target: {
    attributes: ['file_system_id', 'ip_address', 'subnet_id'],
    source: `${PROVIDER} internal/service/efs/mount_target.go`,
  },
  aws_efs_access_point: {
    attributes: ['file_system_id', 'posix_user', 'root_directory'],
    source: `${PROVIDER} internal/service/efs/access_point.go`,
  },
  aws_kms_key: {
    attributes: [
      'custom_key_store_id',
      'customer_master_key_spec',
      'key_usage',
      'multi_region',
      'xks_key_id',
    ],
    source: `${PROVIDER} internal/service/kms/key.go`,
  },
  aws_s3_bucket: {
    attributes: ['bucket', 'bucket_prefix', 'object_lock_enabled'],
    source: `${PROVIDER} internal/service/s3/bucket.go`,
  },
  aws_vpc: {
    attributes: ['cidr_block', 'ipv4_ipam_pool_id', 'ipv4_netmask_length'],
    source: `${PROVIDER} internal/service/ec2/vpc_.go`,
  },
  aws_subnet: {
    attributes: ['availability_zone', 'availability_zone_id', 'cidr_block', 'outpost_arn', 'vpc_id'],
    source: `${PROVIDER} internal/service/ec2/vpc_subnet.go`,
  },
  aws_iam_role: {
    attributes: ['name', 'name_prefix', 'path'],
    source: `${PROVIDER} internal/service/iam/role.go`,
  },
};

/** The force-new attribute paths among `changed` for a resource of `type` (empty when none or unknown type). */
export function forcingAttributes(type: string, changed: readonly string[]): string[] {
  const entry = FORCE_NEW[type];
  if (!entry) return [];
  return changed.filter((path) => {
    // Blocks are written as an object or a one-element list; list indexes do not matter here.
    const plain = path.replace(/\[\d+\]/g, '');
    return entry.attributes.some((forcing) => plain === forcing || plain.startsWith(`${forcing}.`));
  });
}

/** True when the attribute path is one that forces replacement for `type`. */
export function isForceNew(type: string, path: string): boolean {
  return forcingAttributes(type, [path]).length > 0;
}
