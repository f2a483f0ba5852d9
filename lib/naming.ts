import { Environment } from '../config/schema';

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
