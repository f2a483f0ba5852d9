/**
 * What an event costs, from its shape and the environment's sizes: node-hours per pool
 * and every other line that bills by the hour or by the gigabyte, priced from a table.
 * Pure arithmetic; docs/cost.md derives the hackweek figure by hand from the same model.
 *
 * The user pool, per day of the event:
 * - during sessions: enough nodes for the users and the placeholder seats together (users
 *   evict placeholders, which then pend and scale up nodes of their own);
 * - after sessions: the users' nodes stay up while their idle servers wait to be culled
 *   (the idle timeout plus, on average, half the culler's interval) or stopped by night
 *   mode, whichever comes first, and then until the autoscaler removes an unneeded node;
 *   with neither, a share of those nodes stays up all night (people do not log out: the
 *   ICESat-2 hackweek woke to 5-10 of 20);
 * - the rest of the day: the nodes that hold the placeholder seats (a timetable may hold
 *   fewer than during sessions).
 */
import { HOURS_PER_MONTH, PriceTable } from './prices';

export interface PoolShape {
  readonly instanceType: string;
  /** Users (or placeholder seats) one node holds, from the capacity maths. */
  readonly usersPerNode: number;
  /** Root volume per node, GiB. */
  readonly diskGiB: number;
}

export interface EventShape {
  /** People with a server at the same time during sessions. */
  readonly users: number;
  readonly days: number;
  /** Hours of sessions per day, when every user has a server. */
  readonly activeHoursPerDay: number;
  readonly userPool: PoolShape;
  /** Placeholder pods held in the user pool during sessions. @default 0 */
  readonly placeholderSeats?: number;
  /** Placeholder pods held outside sessions (a timetable may drop them at night). @default placeholderSeats */
  readonly offHoursPlaceholderSeats?: number;
  /** GPU users during sessions and their pool. @default none */
  readonly gpu?: PoolShape & { readonly users: number };
  readonly corePool: { readonly instanceType: string; readonly nodes: number; readonly diskGiB: number };
  /** The culler's settings; undefined when servers are never culled. */
  readonly culling?: { readonly idleTimeoutSeconds: number; readonly checkIntervalSeconds: number };
  /** The autoscaler's scale-down-unneeded-time. */
  readonly scaleDownMinutes: number;
  /** Without culling, the share of the session's user nodes still up overnight. @default 0.375 (7.5 of 20) */
  readonly overnightNodeShare?: number;
  /**
   * Night mode: hours from the end of a session until its idle servers are stopped (night
   * start, plus the idle threshold and half the check interval). @default none
   */
  readonly nightModeStopHours?: number;
  readonly natGateways: number;
  /** @default 1 (the hub's network load balancer) */
  readonly loadBalancers?: number;
  /** EFS storage in use over the event (home directories and the shared folder), GiB. */
  readonly efsGiB: number;
  /** This environment's share of a monitoring cluster. @default none */
  readonly monitoring?: {
    readonly instanceType: string;
    readonly nodes: number;
    /** Node root volumes and the Prometheus and Grafana disks, GiB in all. */
    readonly diskGiB: number;
    /** Environments that share it and its cost. */
    readonly sharedBy: number;
  };
}

export interface LineItem {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly cost: number;
}

export interface EventPlan {
  readonly lines: readonly LineItem[];
  /** Instance hours per pool over the event. */
  readonly nodeHours: Readonly<Record<string, number>>;
  /** Nodes in the user pool during sessions. */
  readonly peakUserNodes: number;
  readonly total: number;
  /** users × active hours × days. */
  readonly userHours: number;
  readonly perUserHour: number;
  readonly prices: string;
}

const DEFAULT_OVERNIGHT_SHARE = 0.375;

function instancePrice(prices: PriceTable, instanceType: string): number {
  const price = prices.instanceHour[instanceType];
  if (price === undefined)
    throw new Error(`the price table (${prices.source}) has no price for ${instanceType}`);
  return price;
}

/**
 * Hours a session's released nodes stay up after it ends before the autoscaler removes
 * them: until the culler or night mode (whichever is first) has stopped their idle
 * servers, plus the autoscaler's delay; undefined when neither stops them.
 */
export function tailHours(
  shape: Pick<EventShape, 'culling' | 'scaleDownMinutes' | 'nightModeStopHours'>,
): number | undefined {
  const stops = [
    ...(shape.culling
      ? [(shape.culling.idleTimeoutSeconds + shape.culling.checkIntervalSeconds / 2) / 3600]
      : []),
    ...(shape.nightModeStopHours !== undefined ? [shape.nightModeStopHours] : []),
  ];
  return stops.length ? Math.min(...stops) + shape.scaleDownMinutes / 60 : undefined;
}

/**
 * Node-hours of one pool over one day, for `seats` users and `held` placeholder seats
 * during sessions and `heldOffHours` placeholder seats the rest of the day.
 */
function poolHoursPerDay(
  pool: PoolShape,
  seats: number,
  held: number,
  heldOffHours: number,
  shape: EventShape,
) {
  const perNode = Math.max(1, pool.usersPerNode);
  const sessionNodes = Math.ceil((seats + held) / perNode);
  const heldNodes = Math.ceil(heldOffHours / perNode);
  const releasable = Math.max(0, sessionNodes - heldNodes);
  const offHours = 24 - shape.activeHoursPerDay;
  const tail = tailHours(shape);
  const overnight =
    tail === undefined
      ? Math.ceil(releasable * (shape.overnightNodeShare ?? DEFAULT_OVERNIGHT_SHARE)) * offHours
      : releasable * Math.min(tail, offHours);
  return { sessionNodes, hours: sessionNodes * shape.activeHoursPerDay + heldNodes * offHours + overnight };
}

export function planEvent(shape: EventShape, prices: PriceTable): EventPlan {
  const eventHours = shape.days * 24;
  const monthShare = eventHours / HOURS_PER_MONTH;
  const lines: LineItem[] = [];
  const nodeHours: Record<string, number> = {};
  const line = (item: string, quantity: number, unit: string, unitPrice: number) => {
    if (quantity > 0) lines.push({ item, quantity, unit, unitPrice, cost: quantity * unitPrice });
  };
  let diskGiBHours = 0;
  const nodes = (pool: string, instanceType: string, hours: number, diskGiB: number) => {
    nodeHours[pool] = hours;
    diskGiBHours += hours * diskGiB;
    line(`${pool} nodes (${instanceType})`, hours, 'instance-hours', instancePrice(prices, instanceType));
  };

  const held = shape.placeholderSeats ?? 0;
  const user = poolHoursPerDay(
    shape.userPool,
    shape.users,
    held,
    shape.offHoursPlaceholderSeats ?? held,
    shape,
  );
  nodes('user', shape.userPool.instanceType, user.hours * shape.days, shape.userPool.diskGiB);
  if (shape.gpu && shape.gpu.users > 0) {
    const gpu = poolHoursPerDay(shape.gpu, shape.gpu.users, 0, 0, shape);
    nodes('gpu', shape.gpu.instanceType, gpu.hours * shape.days, shape.gpu.diskGiB);
  }
  nodes('core', shape.corePool.instanceType, shape.corePool.nodes * eventHours, shape.corePool.diskGiB);
  line('node root volumes (gp3)', diskGiBHours / HOURS_PER_MONTH, 'GB-months', prices.ebsGp3GbMonth);
  line('EKS control plane', eventHours, 'cluster-hours', prices.eksClusterHour);
  line('NAT gateways', shape.natGateways * eventHours, 'gateway-hours', prices.natGatewayHour);
  line('load balancer', (shape.loadBalancers ?? 1) * eventHours, 'balancer-hours', prices.loadBalancerHour);
  line('EFS storage', shape.efsGiB * monthShare, 'GB-months', prices.efsGbMonth);
  if (shape.monitoring) {
    const m = shape.monitoring;
    const share = 1 / Math.max(1, m.sharedBy);
    const label = m.sharedBy > 1 ? ` (1/${m.sharedBy} share)` : '';
    line(`monitoring EKS control plane${label}`, eventHours * share, 'cluster-hours', prices.eksClusterHour);
    line(
      `monitoring nodes (${m.instanceType})${label}`,
      m.nodes * eventHours * share,
      'instance-hours',
      instancePrice(prices, m.instanceType),
    );
    line(`monitoring disks (gp3)${label}`, m.diskGiB * monthShare * share, 'GB-months', prices.ebsGp3GbMonth);
  }

  const total = lines.reduce((sum, l) => sum + l.cost, 0);
  const userHours = shape.users * shape.activeHoursPerDay * shape.days;
  return {
    lines,
    nodeHours,
    peakUserNodes: user.sessionNodes,
    total,
    userHours,
    perUserHour: userHours > 0 ? total / userHours : 0,
    prices: prices.source,
  };
}
