/**
 * Cross-layer checks between a monitoring deployment and the hubs that report to it, run
 * on what the stacks really build (the agents' merged Helm values, the peering routes,
 * the receiver Service's admitted ranges), before anything is written:
 * - every agent writes to the URL the receiver serves;
 * - every agent's `environment` label is its own;
 * - VPCs that route to each other do not overlap (the monitoring VPC with each hub's, and
 *   the hubs' with each other, since monitoring routes to all of them);
 * - every reporting environment has routes both ways and is admitted by the receiver.
 */
import { cidrsOverlap, parseCidr } from '../cidr';
import { Values, valueAt } from '../platform/helm-values';
import { SERIES_LABELS } from './scrape-jobs';

/** A route a peering adds: the route table's side and the destination range. */
export interface PeeringRoute {
  readonly side: 'requester' | 'accepter';
  readonly destination: string;
}

export interface ReportingHub {
  readonly environment: string;
  readonly vpcCidr: string;
  /** The agent's merged values, as helm receives them; undefined when there is no agent. */
  readonly agentValues?: Values;
  /** Routes of the hub's peering with monitoring; undefined when there is no peering. */
  readonly routes?: readonly PeeringRoute[];
}

export interface MonitoringWiring {
  readonly name: string;
  readonly vpcCidr: string;
  /** The URL the receiver serves. */
  readonly servedUrl: string;
  /** Ranges the receiver Service admits. */
  readonly admittedCidrs: readonly string[];
  readonly hubs: readonly ReportingHub[];
}

export function checkMonitoringWiring(wiring: MonitoringWiring): string[] {
  const problems: string[] = [];
  const where = `monitoring ${wiring.name}`;
  const own = parseCidr(wiring.vpcCidr);
  const labels = new Map<string, string>();
  wiring.hubs.forEach((hub, i) => {
    const agent = `${hub.environment}: metrics agent`;
    if (!hub.agentValues) {
      problems.push(`${hub.environment}: reports to ${wiring.name} but its platform has no metrics agent`);
    } else {
      const writes = [
        ...((valueAt(hub.agentValues, ['server', 'remoteWrite']) as Values[] | undefined) ?? []),
        ...((valueAt(hub.agentValues, ['serverFiles', 'prometheus.yml', 'remote_write']) as
          Values[] | undefined) ?? []),
      ];
      const urls = writes.map((w) => w.url);
      if (urls.length !== 1 || urls[0] !== wiring.servedUrl) {
        problems.push(
          `${agent} writes to ${JSON.stringify(urls)}, but ${where}'s receiver serves ${wiring.servedUrl}`,
        );
      }
      const label = valueAt(hub.agentValues, [
        'server',
        'global',
        'external_labels',
        SERIES_LABELS.environment,
      ]);
      if (label !== hub.environment) {
        problems.push(
          `${agent} labels its series ${SERIES_LABELS.environment}=${JSON.stringify(label)}, not "${hub.environment}"`,
        );
      } else if (labels.has(label)) {
        problems.push(
          `${agent} labels its series ${SERIES_LABELS.environment}="${label}", as ${labels.get(label)} does`,
        );
      } else labels.set(label, hub.environment);
    }

    const theirs = parseCidr(hub.vpcCidr);
    if (own && theirs && cidrsOverlap(own, theirs))
      problems.push(
        `${hub.environment}: VPC ${hub.vpcCidr} overlaps ${where}'s ${wiring.vpcCidr}, and they route to each other`,
      );
    for (const other of wiring.hubs.slice(0, i)) {
      const b = parseCidr(other.vpcCidr);
      if (theirs && b && cidrsOverlap(theirs, b))
        problems.push(
          `${hub.environment}: VPC ${hub.vpcCidr} overlaps ${other.environment}'s ${other.vpcCidr}; ${where} routes to both`,
        );
    }

    const routes = hub.routes ?? [];
    if (!routes.some((r) => r.side === 'requester' && r.destination === wiring.vpcCidr))
      problems.push(`${hub.environment}: no route from its VPC to ${where}'s ${wiring.vpcCidr}`);
    if (!routes.some((r) => r.side === 'accepter' && r.destination === hub.vpcCidr))
      problems.push(`${hub.environment}: no route from ${where}'s VPC back to ${hub.vpcCidr}`);
    if (!wiring.admittedCidrs.includes(hub.vpcCidr))
      problems.push(`${hub.environment}: ${where}'s receiver does not admit its VPC ${hub.vpcCidr}`);
  });
  for (const cidr of wiring.admittedCidrs) {
    if (!wiring.hubs.some((hub) => hub.vpcCidr === cidr))
      problems.push(`${where}: the receiver admits ${cidr}, which is no reporting environment's VPC`);
  }
  return problems;
}
