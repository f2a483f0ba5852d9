/**
 * What a destroy or a replacement would take away, in words an organiser understands. Only
 * resources that hold data or that people depend on have an entry; everything else can be
 * recreated without anyone noticing. Shared by the offline diff and the plan summary.
 */
import { Json } from '../policy/types';

/** The stack id of the Terraform state bucket's bootstrap stack. */
export const STATE_STACK = 'state-bootstrap';

function poolName(body: Json): string {
  const label = body?.labels?.['hub.jupyter.org/node-pool'];
  if (typeof label === 'string') return label;
  return typeof body?.node_group_name === 'string' ? body.node_group_name : 'a';
}

/** The `namespace:name` service accounts an IAM role's trust policy names (IRSA), if any. */
export function trustedServiceAccounts(body: Json): string[] {
  const policy = body?.assume_role_policy;
  if (typeof policy !== 'string' || !policy.includes('AssumeRoleWithWebIdentity')) return [];
  return [...policy.matchAll(/system:serviceaccount:([\w.-]+):([\w.-]+)/g)].map((m) => `${m[1]}:${m[2]}`);
}

/**
 * What would be lost if this resource were destroyed (or destroyed and created anew), or
 * undefined when nothing anyone would miss. `body` is the resource's configuration (the
 * synthesized JSON, or a plan's `before` values); `stack` its stack id.
 */
export function whatIsLost(type: string, body: Json, stack: string): string | undefined {
  switch (type) {
    case 'aws_efs_file_system':
      return "the EFS file system: every user's home directory and the shared folder";
    case 'aws_efs_mount_target':
      return 'an EFS mount target: servers in its zone lose their home directories until it is back, and running servers there stop working';
    case 'aws_eks_cluster':
      return 'the EKS cluster: the hub, every running server, and everything the platform stack installed in it';
    case 'aws_eks_node_group': {
      const pool = poolName(body);
      return pool === 'core'
        ? 'the core node pool: the hub and the proxy stop until they are rescheduled on new nodes, a few minutes without the hub'
        : `the ${pool} node pool: every server running on it is stopped, and unsaved work in open notebooks is lost`;
    }
    case 'aws_kms_key': {
      const what = typeof body?.description === 'string' ? ` (${body.description})` : '';
      return `a KMS key${what}: whatever it encrypts (home directories, Kubernetes secrets, logs or Terraform state) can no longer be read once the key is deleted`;
    }
    case 'aws_s3_bucket':
      return stack === STATE_STACK
        ? "the Terraform state bucket: the record of every environment's resources; without it Terraform no longer knows what it manages"
        : `the S3 bucket${typeof body?.bucket === 'string' ? ` ${body.bucket}` : ''}: every object stored in it`;
    case 'aws_vpc':
      return "the VPC: the network the whole environment runs in; the cluster, its nodes and the file system's mount targets go with it";
    case 'aws_subnet':
      return 'a subnet: the nodes, EFS mount targets and load balancers in it are removed with it';
    case 'aws_iam_role': {
      const accounts = trustedServiceAccounts(body);
      if (accounts.length === 0) return undefined;
      return `the IAM role that ${accounts.join(', ')} uses: it loses its AWS permissions until the new role exists and its pods restart`;
    }
    case 'helm_release':
      return body?.chart === 'jupyterhub'
        ? 'the JupyterHub release: the hub, its user database and every running server'
        : undefined;
    default:
      return undefined;
  }
}
