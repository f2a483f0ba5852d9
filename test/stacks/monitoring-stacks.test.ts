/**
 * The monitoring stacks of the real configuration, and what they add to the hub stacks:
 * their own state, VPC and cluster; peering and an agent only for reporting hubs.
 */
import { firedBy } from '../tools/policy/support';
import { StackJson, releaseOf, resourcesOf, synthStacks } from '../support/synth';

const stacks = synthStacks();
const cluster = stacks.get('monitoring-cluster-central')!;
const platform = stacks.get('monitoring-platform-central')!;
const only = (stack: StackJson, type: string) => resourcesOf(stack, type).map(([, body]) => body);

describe('monitoring-cluster-central', () => {
  it('keeps its own state under its own key', () => {
    expect(cluster.terraform.backend.s3.key).toBe('monitoring-central/monitoring-cluster.tfstate');
    expect(platform.terraform.backend.s3.key).toBe('monitoring-central/monitoring-platform.tfstate');
  });

  it('has its own VPC, a private cluster and a core pool only, sized from config', () => {
    expect(only(cluster, 'aws_vpc').map((v) => v.cidr_block)).toEqual(['10.100.0.0/16']);
    const [eks] = only(cluster, 'aws_eks_cluster');
    expect(eks.name).toBe('monitoring-central');
    expect(eks.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    const groups = only(cluster, 'aws_eks_node_group');
    expect(groups.map((g) => [g.node_group_name, g.instance_types, g.scaling_config])).toEqual([
      ['monitoring-central-core', ['m5.xlarge'], { min_size: 2, max_size: 3, desired_size: 2 }],
    ]);
  });

  it('is checked by the hub clusters’ rules: an open API endpoint there fails the guard', () => {
    expect(
      firedBy([
        'monitoring-cluster-central',
        (j) => {
          const [eks] = Object.values(j.resource.aws_eks_cluster) as StackJson[];
          eks.vpc_config.endpoint_public_access = true;
        },
      ]),
    ).toEqual(['eks.public-endpoint-restricted']);
  });
});

describe('the receiver', () => {
  it('is an internal NLB with TLS that admits only the reporting hubs’ VPCs', () => {
    const [service] = only(platform, 'kubernetes_service_v1');
    expect(service.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/aws-load-balancer-ssl-ports': '443',
    });
    expect(service.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-cert']).toMatch(
      /acm_certificate_validation/,
    );
    expect(service.spec.load_balancer_source_ranges).toEqual([
      '10.20.0.0/16',
      '10.30.0.0/16',
      '10.40.0.0/16',
    ]);
  });
});

describe('the hubs', () => {
  it('peer with monitoring, routing only each other’s range, when they report', () => {
    const prod = stacks.get('hub-cluster-prod')!;
    const [peering] = only(prod, 'aws_vpc_peering_connection');
    expect(peering.peer_vpc_id).toMatch(/monitoring-cluster-central/);
    const destinations = only(prod, 'aws_route')
      .filter((r) => r.vpc_peering_connection_id)
      .map((r) => r.destination_cidr_block);
    expect(destinations.sort()).toEqual([
      ...Array(3).fill('10.100.0.0/16'),
      ...Array(3).fill('10.30.0.0/16'),
    ]);
  });

  it('run the agent, and the DCGM exporter where there are GPU pools', () => {
    const prod = stacks.get('hub-platform-prod')!;
    const charts = only(prod, 'helm_release').map((r) => `${r.name}:${r.chart}`);
    expect(charts).toEqual(
      expect.arrayContaining(['metrics-agent:prometheus', 'dcgm-exporter:dcgm-exporter']),
    );
    const hub = releaseOf(prod, 'jupyterhub').values;
    expect(hub.proxy.chp.extraCommandLineFlags).toEqual(['--metrics-ip=', '--metrics-port=8002']);
  });

  it('leave dev alone: it reports nowhere', () => {
    expect(only(stacks.get('hub-cluster-dev')!, 'aws_vpc_peering_connection')).toEqual([]);
    expect(only(stacks.get('hub-platform-dev')!, 'helm_release').map((r) => r.chart)).not.toContain(
      'prometheus',
    );
    expect(
      releaseOf(stacks.get('hub-platform-dev')!, 'jupyterhub').values.proxy.chp.extraCommandLineFlags,
    ).toBeUndefined();
  });
});
