import { synthStacks } from '../../support/synth';

describe('ClusterConnection', () => {
  const platform = synthStacks().get('hub-platform-prod')!;

  it('looks the cluster up by name', () => {
    const clusters = Object.values(platform.data.aws_eks_cluster) as Array<{ name: string }>;
    expect(clusters.map((c) => c.name)).toEqual(['hub-prod']);
  });

  it('authenticates Helm and Kubernetes with aws eks get-token for that cluster and region', () => {
    const args = [
      'eks',
      'get-token',
      '--cluster-name',
      'hub-prod',
      '--region',
      'us-west-2',
      '--output',
      'json',
    ];
    const helm = platform.provider.helm[0].kubernetes;
    const kubernetes = platform.provider.kubernetes[0];
    for (const connection of [helm, { ...kubernetes, exec: kubernetes.exec[0] }]) {
      // The endpoint itself, unless api_tunnel_port points at a local port forward.
      expect(connection.host).toMatch(
        /^\$\{\(var\.api_tunnel_port < 1\) \? data\.aws_eks_cluster\..+\.endpoint : /,
      );
      expect(connection.cluster_ca_certificate).toMatch(
        /base64decode\(data\.aws_eks_cluster\..+\.certificate_authority\[0\]\.data\)/,
      );
      expect(connection.exec).toEqual({
        api_version: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args,
      });
    }
  });
});
