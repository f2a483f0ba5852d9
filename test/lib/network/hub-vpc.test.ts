import { resourcesOf, synthStacks } from '../../support/synth';

describe('HubVpc', () => {
  const stacks = synthStacks();
  const prod = stacks.get('hub-cluster-prod')!;
  const dev = stacks.get('hub-cluster-dev')!;
  const subnets = (stack: typeof prod) => resourcesOf(stack, 'aws_subnet').map(([, s]) => s);

  it('spreads a private and a public subnet over each of the three default AZs', () => {
    const all = subnets(prod);
    const isPrivate = (s: (typeof all)[number]) => s.tags['kubernetes.io/role/internal-elb'] === '1';
    expect(all.filter(isPrivate)).toHaveLength(3);
    expect(all.filter((s) => s.tags['kubernetes.io/role/elb'] === '1')).toHaveLength(3);
    expect(all.map((s) => s.cidr_block).sort()).toEqual(
      [
        '10.30.0.0/19',
        '10.30.32.0/19',
        '10.30.64.0/19',
        '10.30.224.0/22',
        '10.30.228.0/22',
        '10.30.232.0/22',
      ].sort(),
    );
  });

  it('never gives an instance a public address, public subnets included', () => {
    for (const subnet of subnets(prod)) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  it('tags every subnet for load-balancer discovery by this cluster', () => {
    for (const subnet of subnets(prod)) expect(subnet.tags['kubernetes.io/cluster/hub-prod']).toBe('shared');
  });

  it('routes each private subnet through a NAT gateway in its own AZ outside dev', () => {
    expect(resourcesOf(prod, 'aws_nat_gateway')).toHaveLength(3);
    const natRoutes = resourcesOf(prod, 'aws_route').filter(([, r]) => r.nat_gateway_id);
    expect(new Set(natRoutes.map(([, r]) => r.nat_gateway_id)).size).toBe(3);
  });

  it('shares one NAT gateway in dev', () => {
    expect(resourcesOf(dev, 'aws_nat_gateway')).toHaveLength(1);
  });

  it('strips every rule from the default security group', () => {
    const [[, group]] = resourcesOf(prod, 'aws_default_security_group');
    expect(group.ingress).toEqual([]);
    expect(group.egress).toEqual([]);
  });

  it('sends all flow logs to an encrypted log group with retention', () => {
    const [[, flowLog]] = resourcesOf(prod, 'aws_flow_log');
    expect(flowLog.traffic_type).toBe('ALL');
    const group = resourcesOf(prod, 'aws_cloudwatch_log_group').find(
      ([, g]) => g.name === '/aws/vpc/hub-prod/flow-logs',
    )!;
    expect(flowLog.log_destination).toBe(`\${aws_cloudwatch_log_group.${group[0]}.arn}`);
    expect(group[1].retention_in_days).toBe(365);
    expect(group[1].kms_key_id).toMatch(/^\$\{aws_kms_key\..*\.arn\}$/);
  });
});
