/**
 * Who reaches the private API endpoint: the cluster security group admits only itself
 * unless a rule for 443 is added, so every environment must ship a path, and the platform
 * stack refuses to synthesize when its cluster admits no one.
 */
import { ENVIRONMENTS, MONITORING } from '../../../config';
import { cidrsOverlap, parseCidr } from '../../../lib/cidr';
import { loadEnvironments } from '../../../config/load';
import { EnvironmentInput } from '../../../config/schema';
import { PORT_FORWARD_DOCUMENT } from '../../../lib/cluster/api-access';
import { configProblems, resourcesOf, StackJson, synthStacks } from '../../support/synth';

const stacks = synthStacks();
const cluster = (env: string) => stacks.get(`hub-cluster-${env}`)!;
const clusterSecurityGroup = (stack: StackJson) => {
  const [[id]] = resourcesOf(stack, 'aws_eks_cluster');
  return `\${aws_eks_cluster.${id}.vpc_config[0].cluster_security_group_id}`;
};
/** Ingress rules on 443 to the cluster security group. */
const apiIngress = (stack: StackJson) =>
  resourcesOf(stack, 'aws_vpc_security_group_ingress_rule')
    .map(([, rule]) => rule)
    .filter((rule) => rule.security_group_id === clusterSecurityGroup(stack));

describe('API access', () => {
  it.each(['staging', 'prod'])("%s admits its operators' VPN on 443 to the cluster security group", (env) => {
    expect(apiIngress(cluster(env))).toEqual([
      expect.objectContaining({
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: '10.250.0.0/16',
      }),
    ]);
  });

  it('ships example VPN ranges that are no VPC of the configuration (hub or monitoring)', () => {
    const vpcs = [...Object.values(ENVIRONMENTS), ...Object.values(MONITORING)].map((c) => ({
      name: c.name,
      cidr: parseCidr(c.network.vpcCidr)!,
    }));
    const overlaps = Object.values(ENVIRONMENTS).flatMap((env) =>
      (env.cluster.privateEndpointCidrs ?? []).flatMap((range) =>
        vpcs
          .filter((vpc) => cidrsOverlap(parseCidr(range)!, vpc.cidr))
          .map((vpc) => `${env.name}: ${range} overlaps ${vpc.name}'s VPC`),
      ),
    );
    expect(overlaps).toEqual([]);
  });

  describe.each(['hackweek', 'dev'])('%s: a port forward from a laptop through SSM', (env) => {
    const stack = () => cluster(env);
    const [[instanceId, instance]] = resourcesOf(cluster(env), 'aws_instance');

    it('admits only the port-forward host on 443, by its security group', () => {
      const [rule] = apiIngress(stack());
      expect(apiIngress(stack())).toHaveLength(1);
      expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443 });
      expect(rule.referenced_security_group_id).toBe(instance.vpc_security_group_ids[0]);
      expect(rule.cidr_ipv4).toBeUndefined();
    });

    it('runs the host in a private subnet, IMDSv2 only, no public address, no key, no inbound rule', () => {
      expect(instance).toMatchObject({
        associate_public_ip_address: false,
        metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 },
        root_block_device: { encrypted: true },
      });
      expect(instance.key_name).toBeUndefined();
      expect(instance.subnet_id).toMatch(/aws_subnet\.network_private-0_/);
      const groupId = /aws_security_group\.([^.]+)\.id/.exec(instance.vpc_security_group_ids[0])![1];
      expect(stack().resource.aws_security_group[groupId]).toMatchObject({ ingress: [] });
      const inbound = resourcesOf(stack(), 'aws_vpc_security_group_ingress_rule').filter(
        ([, r]) => r.security_group_id === `\${aws_security_group.${groupId}.id}`,
      );
      expect(inbound).toEqual([]);
    });

    it('lets the host out only to HTTPS inside the VPC, where its SSM interface endpoints are', () => {
      const group = instance.vpc_security_group_ids[0];
      const egress = resourcesOf(stack(), 'aws_vpc_security_group_egress_rule')
        .map(([, r]) => r)
        .filter((r) => r.security_group_id === group);
      const vpcCidr = { hackweek: '10.40.0.0/16', dev: '10.10.0.0/16' }[env];
      expect(egress).toEqual([
        expect.objectContaining({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: vpcCidr }),
      ]);
      const services = resourcesOf(stack(), 'aws_vpc_endpoint').map(([, e]) => e);
      expect(services.map((e) => e.service_name.split('.').pop()).sort()).toEqual([
        'ec2messages',
        'ssm',
        'ssmmessages',
      ]);
      for (const endpoint of services) {
        expect(endpoint).toMatchObject({
          vpc_endpoint_type: 'Interface',
          private_dns_enabled: true,
          subnet_ids: [instance.subnet_id],
        });
      }
    });

    it('gives the host only the SSM agent policy', () => {
      const profileName = /aws_iam_instance_profile\.([^.]+)\.name/.exec(instance.iam_instance_profile)![1];
      const role = stack().resource.aws_iam_instance_profile[profileName].role as string;
      const attached = resourcesOf(stack(), 'aws_iam_role_policy_attachment')
        .filter(([, a]) => a.role === role)
        .map(([, a]) => (a.policy_arn as string).split('/').pop());
      expect(attached).toEqual(['AmazonSSMManagedInstanceCore']);
    });

    it('gives operators a policy for a port-forwarding session to that host and nothing else', () => {
      const [[, policy]] = resourcesOf(stack(), 'aws_iam_policy').filter(([, p]) =>
        String(p.name).endsWith('-api-port-forward'),
      );
      const statements = JSON.parse(policy.policy).Statement;
      expect(statements[0]).toMatchObject({
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
      });
      expect(statements[0].Resource).toEqual([
        expect.stringContaining(`:instance/\${aws_instance.${instanceId}.id}`),
        expect.stringMatching(new RegExp(`:document/${PORT_FORWARD_DOCUMENT}$`)),
      ]);
      expect(statements[1].Action).toEqual(['ssm:TerminateSession', 'ssm:ResumeSession']);
      expect(statements[1].Resource).toMatch(/:session\/\$\$\{aws:userid\}-\*$/);
      const command = stack().output.api_port_forward_command.value;
      expect(command).toContain(`"--document-name", "${PORT_FORWARD_DOCUMENT}"`);
      expect(command).toContain(`"--target", aws_instance.${instanceId}.id`);
      expect(command).toContain('portNumber=443,localPortNumber=8443');
    });

    it('lets the platform providers connect through the forward while checking the endpoint certificate', () => {
      const platform = stacks.get(`hub-platform-${env}`)!;
      expect(platform.variable.api_tunnel_port).toMatchObject({ type: 'number', default: 0 });
      const [kubernetes] = platform.provider.kubernetes;
      expect(kubernetes.host).toMatch(
        /^\$\{\(var\.api_tunnel_port < 1\) \? data\.aws_eks_cluster\.[^.]+\.endpoint : join\("", \["https:\/\/127\.0\.0\.1:", tostring\(var\.api_tunnel_port\)\]\)\}$/,
      );
      expect(kubernetes.tls_server_name).toMatch(
        /replace\(data\.aws_eks_cluster\.[^.]+\.endpoint, "https:\/\/", ""\)/,
      );
      const [helm] = platform.provider.helm;
      expect(helm.kubernetes.host).toBe(kubernetes.host);
      expect(helm.kubernetes.tls_server_name).toBe(kubernetes.tls_server_name);
    });
  });

  it('refuses a cluster that admits no network, naming the config fields to set', () => {
    const closed = structuredClone(ENVIRONMENTS.staging) as EnvironmentInput;
    closed.cluster.privateEndpointCidrs = [];
    const [env] = loadEnvironments({ staging: closed });
    expect(configProblems(() => synthStacks([env]))).toEqual([
      expect.stringMatching(
        /^staging\.cluster: admits no network to the Kubernetes API on 443 .* nothing could apply hub-platform-staging; set cluster\.ssmPortForward: \{\} .*cluster\.privateEndpointCidrs .*cluster\.publicEndpointCidrs/,
      ),
    ]);
  });

  it('accepts a public endpoint with an allow-list as the only path', () => {
    const open = structuredClone(ENVIRONMENTS.staging) as EnvironmentInput;
    open.cluster.privateEndpointCidrs = [];
    open.cluster.publicEndpointCidrs = ['203.0.113.0/24'];
    const [env] = loadEnvironments({ staging: open });
    const synthesized = synthStacks([env]).get('hub-cluster-staging')!;
    const [[, eks]] = resourcesOf(synthesized, 'aws_eks_cluster');
    expect(eks.vpc_config).toMatchObject({
      endpoint_public_access: true,
      public_access_cidrs: ['203.0.113.0/24'],
    });
  });
});
