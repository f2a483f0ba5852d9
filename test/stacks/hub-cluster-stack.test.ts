import { clusterName } from '../../lib/naming';
import { attribution } from '../../tools/event/orphans';
import { configuredEnvironments, resourcesOf, synthStacks } from '../support/synth';

describe('HubClusterStack', () => {
  const stacks = synthStacks();
  const environments = configuredEnvironments();

  it.each(environments.map((env) => env.name))('%s: one stack per environment, AWS provider only', (name) => {
    const stack = stacks.get(`hub-cluster-${name}`)!;
    expect(Object.keys(stack.provider)).toEqual(['aws']);
    expect(stack.provider.aws[0].region).toBe('us-west-2');
    expect(stack.provider.aws[0].default_tags[0].tags['hub:environment']).toBe(name);
  });

  it('pins the AWS provider of both stacks to the configured account, so other credentials fail the plan', () => {
    const lab = { ...environments[0], name: 'lab', account: '210987654321' };
    const synth = synthStacks([lab]);
    for (const id of ['hub-cluster-lab', 'hub-platform-lab'])
      expect(synth.get(id)!.provider.aws[0].allowed_account_ids).toEqual(['210987654321']);
  });

  it.each(environments.map((env) => env.name))('%s: node groups match the configured pools', (name) => {
    const env = environments.find((e) => e.name === name)!;
    const groups = resourcesOf(stacks.get(`hub-cluster-${name}`)!, 'aws_eks_node_group').map(([, g]) => g);
    const expected = ['core', ...Object.keys(env.nodePools.user), ...Object.keys(env.nodePools.gpu)];
    expect(groups.map((g) => g.node_group_name).sort()).toEqual(
      expected.map((p) => `hub-${name}-${p}`).sort(),
    );
  });

  it('keeps dev state in a local file and the rest in S3 under <env>/<stack>.tfstate, under its own key, with native locking', () => {
    expect(stacks.get('hub-cluster-dev')!.terraform.backend).toEqual({
      local: { path: '../../../terraform.hub-cluster-dev.tfstate' },
    });
    for (const name of ['staging', 'prod', 'hackweek']) {
      expect(stacks.get(`hub-cluster-${name}`)!.terraform.backend).toEqual({
        s3: {
          bucket: 'jupyterhub-aws-tfstate-123456789012',
          key: `${name}/hub-cluster.tfstate`,
          region: 'us-west-2',
          encrypt: true,
          kms_key_id: `arn:aws:kms:us-west-2:123456789012:alias/hub/terraform-state/${name}`,
          use_lockfile: true,
        },
      });
    }
  });

  it('lets the dev platform stack read the cluster state where the cluster stack writes it', () => {
    const platform = stacks.get('hub-platform-dev')!;
    const lookups = Object.values(platform.data.terraform_remote_state) as Array<{
      backend: string;
      config: object;
    }>;
    expect(lookups).toEqual([
      expect.objectContaining({
        backend: 'local',
        config: stacks.get('hub-cluster-dev')!.terraform.backend.local,
      }),
    ]);
  });

  it('outputs what an operator needs to reach the cluster', () => {
    const outputs = stacks.get('hub-cluster-hackweek')!.output;
    expect(outputs.kubeconfig_command.value).toBe(
      'aws eks update-kubeconfig --region us-west-2 --name hub-hackweek',
    );
    expect(outputs.cluster_name.value).toMatch(/aws_eks_cluster\..+\.name/);
    expect(outputs.cluster_endpoint.value).toMatch(/aws_eks_cluster\..+\.endpoint/);
    expect(outputs.node_pools.value).toHaveLength(3);
  });

  it('opens the public endpoint only to listed CIDRs', () => {
    const env = environments.find((e) => e.name === 'staging')!;
    const withCidrs = { ...env, name: 'lab', network: { ...env.network, vpcCidr: '10.77.0.0/16' } };
    withCidrs.cluster = { ...env.cluster, publicEndpointCidrs: ['203.0.113.0/24'] };
    const stack = synthStacks([withCidrs]).get('hub-cluster-lab')!;
    const [[, cluster]] = resourcesOf(stack, 'aws_eks_cluster');
    expect(cluster.vpc_config.endpoint_public_access).toBe(true);
    expect(cluster.vpc_config.public_access_cidrs).toEqual(['203.0.113.0/24']);
  });

  it.each(environments.map((env) => env.name))(
    '%s: the EBS CSI driver tags its volumes with the cluster tag the orphan check looks for',
    (name) => {
      const env = environments.find((e) => e.name === name)!;
      const addon = resourcesOf(stacks.get(`hub-cluster-${name}`)!, 'aws_eks_addon')
        .map(([, a]) => a)
        .find((a) => a.addon_name === 'aws-ebs-csi-driver')!;
      const controller = JSON.parse(addon.configuration_values).controller;
      expect(controller.k8sTagClusterId).toBe(`hub-${name}`);
      expect(controller.extraVolumeTags['hub:environment']).toBe(name);
      // What the driver writes with k8sTagClusterId set (its tagging docs): the cluster tag, owned.
      const written = [
        { Key: `kubernetes.io/cluster/${controller.k8sTagClusterId}`, Value: 'owned' },
        { Key: 'ebs.csi.aws.com/cluster', Value: 'true' },
      ];
      const scope = { environment: 'elsewhere', cluster: clusterName(env) };
      expect(attribution(written, scope)).toBe(`kubernetes.io/cluster/hub-${name}=owned`);
      expect(attribution(written, { ...scope, cluster: 'hub-other' })).toBeUndefined();
    },
  );
});
