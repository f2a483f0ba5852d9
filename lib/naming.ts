import { Environment } from '../config/schema';
import { ACCOUNT_ID } from '../config/state-bucket';

/** Stack ids follow `hub-<part>-<env>`, so `cdktf deploy 'hub-*-prod'` selects one environment. */
export function stackId(part: 'cluster' | 'platform', env: Environment): string {
  return `hub-${part}-${env.name}`;
}

/** The EKS cluster's name, also the prefix of every AWS resource name of the environment. */
export function clusterName(env: Environment): string {
  return `hub-${env.name}`;
}

/** Monitoring stack ids: `monitoring-<part>-<name>`, so `cdktf deploy 'monitoring-*'` selects them. */
export function monitoringStackId(
  part: 'cluster' | 'platform',
  monitoring: { readonly name: string },
): string {
  return `monitoring-${part}-${monitoring.name}`;
}

/** The monitoring EKS cluster's name, prefix of its AWS resource names, and its state folder. */
export function monitoringClusterName(monitoring: { readonly name: string }): string {
  return `monitoring-${monitoring.name}`;
}

/** The event archive stack's id: `hub-archive-<env>`, deployed with the environment, never destroyed by `down`. */
export function archiveStackId(env: Environment): string {
  return `hub-archive-${env.name}`;
}

/** The archive bucket of an environment: its cluster's name, `-archive-` and the account, unique in S3. */
export function archiveBucketName(env: Environment): string {
  return `${clusterName(env)}-archive-${env.account}`;
}

/** The archive key's alias, without `alias/`. */
export function archiveKeyAlias(env: Environment): string {
  return `${clusterName(env)}/archive`;
}

/** The folder of the archive bucket an event's exports go under: its `hub:event` tag. */
export function archiveEventPrefix(env: Environment): string {
  return env.cost.event ?? env.name;
}

/** The IAM role the in-cluster export Job assumes, and its service account in the hub namespace. */
export function archiveExportRoleName(env: Environment): string {
  return `${clusterName(env)}-archive-export`;
}
export const ARCHIVE_EXPORT_SERVICE_ACCOUNT = 'archive-export';

/**
 * The cost allocation tags stack of an account: `cost-allocation-tags` for the state bucket's
 * account, `cost-allocation-tags-<account>` for any other.
 */
export function costAllocationTagsStackId(account: string): string {
  return account === ACCOUNT_ID ? 'cost-allocation-tags' : `cost-allocation-tags-${account}`;
}
