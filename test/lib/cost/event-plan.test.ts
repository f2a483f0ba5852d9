/** The cost planner's arithmetic, against a case worked by hand with round prices. */
import { EventShape, planEvent, tailHours } from '../../../lib/cost/event-plan';
import { PriceTable } from '../../../lib/cost/prices';

const PRICES: PriceTable = {
  source: 'round test prices',
  region: 'test-1',
  instanceHour: { 'm5.2xlarge': 1, 'm5.xlarge': 0.5, 'g4dn.xlarge': 2 },
  eksClusterHour: 0.1,
  natGatewayHour: 0.05,
  loadBalancerHour: 0.02,
  efsGbMonth: 0.3,
  ebsGp3GbMonth: 0.08,
};

// 8 users and 4 placeholder seats, 4 a node, 2 days of 8-hour sessions.
const SHAPE: EventShape = {
  users: 8,
  days: 2,
  activeHoursPerDay: 8,
  userPool: { instanceType: 'm5.2xlarge', usersPerNode: 4, diskGiB: 100 },
  placeholderSeats: 4,
  corePool: { instanceType: 'm5.xlarge', nodes: 1, diskGiB: 50 },
  culling: { idleTimeoutSeconds: 3600, checkIntervalSeconds: 600 },
  scaleDownMinutes: 10,
  natGateways: 1,
  efsGiB: 60,
};

const cost = (plan: ReturnType<typeof planEvent>, item: string) =>
  plan.lines.find((l) => l.item.startsWith(item))?.cost;

describe('planEvent', () => {
  it('keeps nodes up after a session for the idle timeout, half the cull interval and the scale-down delay', () => {
    // (3600 + 300) s + 10 min = 1.0833 h + 0.1667 h
    expect(tailHours(SHAPE)).toBeCloseTo(1.25, 6);
    // neither the culler nor night mode stops idle servers: no tail, nodes stay up overnight
    expect(tailHours({ ...SHAPE, culling: undefined })).toBeUndefined();
  });

  it('ends the tail when night mode stops idle servers, if that is sooner than the culler', () => {
    // night mode stops them 0.5 h after the session, before the culler's 1.0833 h: 0.5 h + 10 min
    expect(tailHours({ ...SHAPE, nightModeStopHours: 0.5 })).toBeCloseTo(0.5 + 10 / 60, 6);
    // and the culler's stop still wins when night mode comes later
    expect(tailHours({ ...SHAPE, nightModeStopHours: 3 })).toBeCloseTo(1.25, 6);
    // night mode alone, without a culler
    expect(tailHours({ ...SHAPE, culling: undefined, nightModeStopHours: 0.5 })).toBeCloseTo(
      0.5 + 10 / 60,
      6,
    );
  });

  it('counts user node-hours: session nodes for users and placeholders, the tail, and the placeholder node all day', () => {
    const plan = planEvent(SHAPE, PRICES);
    // per day: ceil(12 / 4) = 3 nodes x 8 h + 1 placeholder node x 16 h + 2 released nodes x 1.25 h = 42.5
    expect(plan.peakUserNodes).toBe(3);
    expect(plan.nodeHours.user).toBeCloseTo(85, 6);
    expect(plan.nodeHours.core).toBe(48);
    expect(cost(plan, 'user nodes')).toBeCloseTo(85, 6);
    expect(cost(plan, 'core nodes')).toBeCloseTo(24, 6);
  });

  it('prices disks, the control plane, NAT, the load balancer and EFS by the hour or the GB-month', () => {
    const plan = planEvent(SHAPE, PRICES);
    // (85 x 100 + 48 x 50) GiB-hours / 730 h x 0.08
    expect(cost(plan, 'node root volumes')).toBeCloseTo((10900 / 730) * 0.08, 6);
    expect(cost(plan, 'EKS control plane')).toBeCloseTo(4.8, 6);
    expect(cost(plan, 'NAT gateways')).toBeCloseTo(2.4, 6);
    expect(cost(plan, 'load balancer')).toBeCloseTo(0.96, 6);
    expect(cost(plan, 'EFS storage')).toBeCloseTo(60 * (48 / 730) * 0.3, 6);
    expect(plan.total).toBeCloseTo(
      85 + 24 + (10900 / 730) * 0.08 + 4.8 + 2.4 + 0.96 + 60 * (48 / 730) * 0.3,
      6,
    );
    expect(plan.userHours).toBe(128);
    expect(plan.perUserHour).toBeCloseTo(plan.total / 128, 9);
  });

  it('without culling keeps a share of the released nodes up all night', () => {
    const plan = planEvent({ ...SHAPE, culling: undefined }, PRICES);
    // per day: 24 + 16 + ceil(2 x 0.375) = 1 node x 16 h = 56
    expect(plan.nodeHours.user).toBe(112);
    const allNight = planEvent({ ...SHAPE, culling: undefined, overnightNodeShare: 1 }, PRICES);
    expect(allNight.nodeHours.user).toBe(2 * (24 + 16 + 2 * 16));
  });

  it('plans GPU nodes only for GPU users, and a share of a monitoring cluster', () => {
    const plan = planEvent(
      {
        ...SHAPE,
        gpu: { instanceType: 'g4dn.xlarge', usersPerNode: 1, diskGiB: 100, users: 2 },
        monitoring: { instanceType: 'm5.xlarge', nodes: 2, diskGiB: 0, sharedBy: 4 },
      },
      PRICES,
    );
    // per day: 2 nodes x 8 h + 2 x 1.25 h
    expect(plan.nodeHours.gpu).toBeCloseTo(2 * 18.5, 6);
    expect(cost(plan, 'monitoring nodes')).toBeCloseTo(2 * 48 * 0.5 * 0.25, 6);
    expect(cost(plan, 'monitoring EKS control plane')).toBeCloseTo(48 * 0.1 * 0.25, 6);
  });

  it('names the instance type a price table lacks', () => {
    expect(() =>
      planEvent({ ...SHAPE, userPool: { ...SHAPE.userPool, instanceType: 'm5.large' } }, PRICES),
    ).toThrow('the price table (round test prices) has no price for m5.large');
  });
});
