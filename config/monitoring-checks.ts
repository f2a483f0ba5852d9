/**
 * Rules of a monitoring deployment: its own fields, and how it relates to the hub
 * environments that report to it (they exist, are in its account and region, and their
 * VPCs do not overlap its own, since they are peered with it).
 */
import { cidrsOverlap, parseCidr } from '../lib/cidr';
import { ConfigIssue, checkClusterAccess } from './checks';
import { MonitoringConfig } from './monitoring-schema';
import { Environment } from './schema';

export function checkMonitoring(
  monitoring: MonitoringConfig,
  environments: readonly Environment[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report = (path: (string | number)[], message: string) => issues.push({ path, message });
  checkClusterAccess(monitoring, report);
  const pool = monitoring.corePool;
  if (pool.minSize < 1)
    report(['corePool', 'minSize'], `${pool.minSize} leaves Prometheus nowhere to run; must be at least 1`);
  if (pool.minSize > pool.maxSize)
    report(['corePool', 'maxSize'], `${pool.maxSize} is below minSize ${pool.minSize}`);
  if (monitoring.receiver.domain.name === monitoring.grafana.domain.name) {
    report(
      ['receiver', 'domain', 'name'],
      `'${monitoring.receiver.domain.name}' is also Grafana's name; the receiver needs a name of its own`,
    );
  }

  for (const [field, domain] of [
    ['receiver', monitoring.receiver.domain],
    ['grafana', monitoring.grafana.domain],
  ] as const) {
    if (!domain.name.endsWith(`.${domain.hostedZone}`)) {
      report(
        [field, 'domain', 'name'],
        `'${domain.name}' is not inside the zone '${domain.hostedZone}'; the certificate is validated and the record written there`,
      );
    }
  }

  const known = environments.map((env) => env.name);
  const own = parseCidr(monitoring.network.vpcCidr);
  monitoring.environments.forEach((name, i) => {
    const env = environments.find((e) => e.name === name);
    if (!env) {
      report(['environments', i], `'${name}' is not an environment; known: ${known.join(', ')}`);
      return;
    }
    if (monitoring.environments.indexOf(name) !== i) report(['environments', i], `'${name}' is listed twice`);
    if (env.account !== monitoring.account) {
      report(
        ['environments', i],
        `'${name}' is in account ${env.account}, monitoring in ${monitoring.account}; peering, the alarm ` +
          "topic and Grafana's CloudWatch role work within one account",
      );
    }
    if (env.region !== monitoring.region) {
      report(
        ['environments', i],
        `'${name}' is in ${env.region}, monitoring in ${monitoring.region}; peering is set up within one region`,
      );
    }
  });
  // No hub VPC may overlap the monitoring VPC, reporting or not: one that starts reporting later must peer.
  for (const env of environments) {
    const theirs = parseCidr(env.network.vpcCidr);
    if (own && theirs && cidrsOverlap(own, theirs)) {
      report(
        ['network', 'vpcCidr'],
        `${monitoring.network.vpcCidr} overlaps ${env.name}'s ${env.network.vpcCidr}; ` +
          'the monitoring VPC is peered with the hub VPCs and needs a range of its own',
      );
    }
  }
  return issues;
}
