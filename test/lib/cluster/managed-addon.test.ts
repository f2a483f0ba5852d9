import { StackJson, resourcesOf, synthStacks } from '../../support/synth';

describe('ManagedAddon', () => {
  const prod = synthStacks().get('hub-cluster-prod')!;
  const addons: Record<string, StackJson> = Object.fromEntries(
    resourcesOf(prod, 'aws_eks_addon').map(([id, a]) => [a.addon_name, { id, ...a }]),
  );

  it('installs vpc-cni, kube-proxy, coredns and the EBS CSI driver as managed add-ons', () => {
    expect(Object.keys(addons).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'kube-proxy', 'vpc-cni']);
  });

  it('pins each add-on to the default version for the cluster version', () => {
    for (const addon of Object.values(addons)) {
      const versionRef = /data\.aws_eks_addon_version\.([^.]+)\.version/.exec(addon.addon_version)![1];
      const lookup = prod.data.aws_eks_addon_version[versionRef];
      expect(lookup.addon_name).toBe(addon.addon_name);
      expect(lookup.most_recent).toBe(false);
      expect(lookup.kubernetes_version).toMatch(/aws_eks_cluster\..+\.version/);
    }
  });

  it('enforces network policies in the VPC CNI, which runs with its own role', () => {
    expect(JSON.parse(addons['vpc-cni'].configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
    expect(addons['vpc-cni'].service_account_role_arn).toMatch(/aws_iam_role\./);
    expect(addons['aws-ebs-csi-driver'].service_account_role_arn).toMatch(/aws_iam_role\./);
  });

  it('waits for the core pool before add-ons that run as Deployments', () => {
    for (const name of ['coredns', 'aws-ebs-csi-driver']) {
      expect(addons[name].depends_on).toEqual([expect.stringMatching(/^aws_eks_node_group\.pool-core_/)]);
    }
  });
});
