/**
 * Ways around a rule that the audit found, each as a mutation of a real stack: the rule
 * must fire on it (and only it, unless the comment says why another rule is coupled).
 */
import { parse, stringify } from 'yaml';
import { evaluate, runPolicy } from '../../../tools/policy/engine';
import { releaseValues } from '../../../tools/policy/helm';
import { RULES } from '../../../tools/policy/rules';
import { SynthOutput } from '../../../tools/policy/synth-output';
import { Json } from '../../../tools/policy/types';
import {
  Change,
  add,
  all,
  changedSynth,
  checkedInRisks,
  deleteRelease,
  find,
  firedBy,
  realSynth,
  release,
} from './support';
import {
  CLUSTER,
  PLATFORM,
  autoscalerPolicy,
  efsIngress,
  gpuPoolName,
  group,
  hubValues,
  idOf,
} from './real-stacks';

/** Rewrites the autoscaler's write statement. */
const scaleStatement = (edit: (statement: Json) => void) => (j: Json) =>
  autoscalerPolicy(j, (doc) =>
    doc.Statement.filter((s: Json) => JSON.stringify(s.Action).includes('SetDesiredCapacity')).forEach(edit),
  );
const GROUP_ARN = 'arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:*:autoScalingGroupName/';

describe('iam.autoscaler-scoped', () => {
  it('treats a wildcard in a group ARN as unscoped without the cluster tag condition', () => {
    const wildcardArn = scaleStatement((s) => {
      delete s.Condition;
      s.Resource = `${GROUP_ARN}*`;
    });
    expect(firedBy([CLUSTER, wildcardArn])).toEqual(['iam.autoscaler-scoped']);
  });

  it('accepts a wildcard ARN that the cluster tag condition scopes', () => {
    expect(firedBy([CLUSTER, scaleStatement((s) => (s.Resource = `${GROUP_ARN}*`))])).toEqual([]);
  });

  it('counts write actions granted through NotAction', () => {
    const notAction = scaleStatement((s) => {
      delete s.Condition;
      delete s.Action;
      s.NotAction = ['iam:*'];
    });
    // Coupled by design: Allow + NotAction is itself a wildcard grant.
    expect(firedBy([CLUSTER, notAction])).toEqual(['iam.autoscaler-scoped', 'iam.no-wildcard-actions']);
  });
});

describe('iam.no-wildcard-actions', () => {
  it('fails an Allow with NotAction', () => {
    const allButAutoscaling = (j: Json) =>
      autoscalerPolicy(j, (doc) => {
        const discover = doc.Statement.find((s: Json) => s.Sid === 'Discover');
        delete discover.Action;
        discover.NotAction = ['autoscaling:*'];
      });
    expect(firedBy([CLUSTER, allButAutoscaling])).toEqual(['iam.no-wildcard-actions']);
  });
});

describe('efs.nfs-from-nodes-only', () => {
  const source = (fields: Json) => (j: Json) => {
    const rule = efsIngress(j);
    delete rule.referenced_security_group_id;
    Object.assign(rule, fields);
  };

  it.each([
    ['a prefix list', { prefix_list_id: 'pl-0123456789abcdef0' }],
    ['an IPv4 CIDR inside the VPC', { cidr_ipv4: '10.30.0.0/16' }],
    ['an IPv6 CIDR', { cidr_ipv6: '2600:1f14:abc::/56' }],
  ])('treats %s as a source that is not the nodes', (_name, fields) => {
    expect(firedBy([CLUSTER, source(fields)])).toEqual(['efs.nfs-from-nodes-only']);
  });

  it('reads prefix lists of aws_security_group_rule too', () => {
    const legacyRule = (j: Json) =>
      add(j, 'aws_security_group_rule', 'nfs-from-prefix-list', {
        type: 'ingress',
        security_group_id: efsIngress(j).security_group_id,
        protocol: 'tcp',
        from_port: 2049,
        to_port: 2049,
        prefix_list_ids: ['pl-0123456789abcdef0'],
        description: 'NFS from a prefix list',
      });
    expect(firedBy([CLUSTER, legacyRule])).toEqual(['efs.nfs-from-nodes-only']);
  });
});

describe('nodes.no-ssh', () => {
  const ingress = (fields: Json) => (j: Json) =>
    add(j, 'aws_vpc_security_group_ingress_rule', 'extra-ingress', {
      security_group_id: efsIngress(j).security_group_id,
      referenced_security_group_id: efsIngress(j).referenced_security_group_id,
      description: 'from the nodes',
      ...fields,
    });

  it.each([
    ['tcp 22', { ip_protocol: 'tcp', from_port: 22, to_port: 22 }],
    ['a tcp range around 22', { ip_protocol: 'tcp', from_port: 20, to_port: 25 }],
    ['all protocols', { ip_protocol: '-1' }],
  ])('fails security-group ingress of %s', (_name, fields) => {
    expect(firedBy([CLUSTER, ingress(fields)])).toEqual(['nodes.no-ssh']);
  });

  it('ignores udp 22, which is not SSH', () => {
    expect(firedBy([CLUSTER, ingress({ ip_protocol: 'udp', from_port: 22, to_port: 22 })])).toEqual([]);
  });

  it('still fails remote_access on a node group', () => {
    expect(firedBy([CLUSTER, (j) => (group(j, 'user').remote_access = { ec2_ssh_key: 'ops' })])).toEqual([
      'nodes.no-ssh',
    ]);
  });
});

describe('network.restricted-egress', () => {
  const egressOf = (synth: SynthOutput) =>
    evaluate(synth, RULES).violations.filter((v) => v.rule === 'network.restricted-egress');
  const clusterAddress = `aws_eks_cluster.${Object.keys(realSynth().stack(CLUSTER)!.json.resource.aws_eks_cluster)[0]}`;

  it('reports nodes in the EKS cluster security group on the cluster', () => {
    expect(egressOf(realSynth()).filter((v) => v.stack === CLUSTER)).toEqual([
      expect.objectContaining({
        address: clusterAddress,
        message: expect.stringMatching(/run in the EKS cluster security group, which allows all egress/),
      }),
    ]);
  });

  it('clears when every launch template names its own security groups', () => {
    const ownGroups = (j: Json) =>
      all(j, 'aws_launch_template').forEach(
        (t) => (t.vpc_security_group_ids = [efsIngress(j).security_group_id]),
      );
    expect(egressOf(changedSynth([CLUSTER, ownGroups])).filter((v) => v.stack === CLUSTER)).toEqual([]);
  });

  it('accepts only the cluster security group finding', () => {
    const risks = checkedInRisks();
    const report = runPolicy(realSynth(), RULES, risks);
    const accepted = report.accepted.filter((a) => a.violation.rule === 'network.restricted-egress');
    expect(accepted.map((a) => a.violation.stack).sort()).toEqual(
      realSynth()
        .stacks.filter((s) => s.resources('aws_eks_cluster').length > 0)
        .map((s) => s.id)
        .sort(),
    );
    const openEfs = (j: Json) =>
      add(j, 'aws_vpc_security_group_egress_rule', 'anywhere', {
        security_group_id: efsIngress(j).security_group_id,
        ip_protocol: '-1',
        cidr_ipv4: '0.0.0.0/0',
        description: 'everything out',
      });
    const changed = runPolicy(changedSynth([CLUSTER, openEfs]), RULES, risks);
    expect(changed.violations).toEqual([
      expect.objectContaining({
        rule: 'network.restricted-egress',
        stack: CLUSTER,
        address: expect.stringMatching(/^aws_security_group\./),
      }),
    ]);
  });
});

describe('nodes.private-subnets without a route table association', () => {
  const privateSubnetFindings = (...changes: Change[]) =>
    evaluate(changedSynth(...changes), RULES).violations.filter(
      (v) => v.rule === 'nodes.private-subnets' && v.stack === CLUSTER,
    );
  const unassociate = (j: Json) => {
    const name = Object.keys(j.resource.aws_route_table_association).find((n) =>
      n.startsWith('network_private-1-routes-association'),
    )!;
    delete j.resource.aws_route_table_association[name];
  };

  it('fails when the main route table the subnet falls back to is not managed here', () => {
    const found = privateSubnetFindings([CLUSTER, unassociate]);
    expect(found.length).toBeGreaterThan(0);
    for (const v of found) {
      expect(v.message).toMatch(/network_private-1_\w+ is not proven private: no route table association/);
    }
    expect(firedBy([CLUSTER, unassociate])).toEqual(['nodes.private-subnets']);
  });

  it('follows aws_main_route_table_association to the main route table', () => {
    const mainIsPrivate = (j: Json) => {
      unassociate(j);
      add(j, 'aws_main_route_table_association', 'main', {
        vpc_id: `\${aws_vpc.${Object.keys(j.resource.aws_vpc)[0]}.id}`,
        route_table_id: idOf(j, 'aws_route_table', 'network/private-1-routes'),
      });
    };
    expect(privateSubnetFindings([CLUSTER, mainIsPrivate])).toEqual([]);
  });

  it('reads the routes of aws_default_route_table', () => {
    const mainIsPublic = (j: Json) => {
      unassociate(j);
      const vpc = Object.keys(j.resource.aws_vpc)[0];
      add(j, 'aws_default_route_table', 'main', {
        default_route_table_id: `\${aws_vpc.${vpc}.default_route_table_id}`,
        route: [{ cidr_block: '0.0.0.0/0', gateway_id: idOf(j, 'aws_internet_gateway', 'internet-gateway') }],
      });
    };
    const found = privateSubnetFindings([CLUSTER, mainIsPublic]);
    expect(found.length).toBeGreaterThan(0);
    for (const v of found) expect(v.message).toMatch(/routes its default route to an internet gateway/);
  });
});

describe('helm values written with yamlencode', () => {
  /** `value` as the HCL object literal cdktf writes inside yamlencode(...). */
  const hcl = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(hcl).join(', ')}]`
      : v && typeof v === 'object'
        ? `{${Object.entries(v)
            .map(([k, x]) => `${JSON.stringify(k)} = ${hcl(x)}`)
            .join(', ')}}`
        : JSON.stringify(v);
  /** Rewrites the autoscaler's values as one yamlencode(...) layer, after `edit`. */
  const asYamlencode =
    (edit: (values: Json) => void = () => {}) =>
    (j: Json) => {
      const body = release(j, 'cluster-autoscaler');
      const { values } = releaseValues(body);
      edit(values);
      body.values = [`\${yamlencode(${hcl(values)})}`];
    };

  it('are read: the same values in yamlencode form change nothing', () => {
    expect(firedBy([PLATFORM, asYamlencode()])).toEqual([]);
  });

  it('are read: a violation inside yamlencode fires its rule', () => {
    expect(firedBy([PLATFORM, asYamlencode((v) => delete v.awsRegion)])).toEqual(['autoscaler.wired']);
  });
});

describe('platform.required-releases', () => {
  const required = (synth: SynthOutput) =>
    evaluate(synth, RULES).violations.filter((v) => v.rule === 'platform.required-releases');
  const withoutPlugin = (j: Json) => deleteRelease(j, 'nvidia-device-plugin');

  it('requires the device plugin when the cluster has GPU pools, naming them', () => {
    expect(required(changedSynth([PLATFORM, withoutPlugin]))).toEqual([
      expect.objectContaining({
        stack: PLATFORM,
        address: 'helm_release[chart=nvidia-device-plugin]',
        message: expect.stringMatching(
          /^no helm_release of chart nvidia-device-plugin, but hub-cluster-prod has GPU pools aws_eks_node_group\./,
        ),
      }),
    ]);
  });

  it('does not require it for GPU pools on Bottlerocket, whose NVIDIA variant ships one', () => {
    const bottlerocket = (j: Json) => (group(j, gpuPoolName()).ami_type = 'BOTTLEROCKET_x86_64_NVIDIA');
    expect(required(changedSynth([CLUSTER, bottlerocket], [PLATFORM, withoutPlugin]))).toEqual([]);
  });

  it('still checks a renamed platform stack, found by its Helm provider and hub cluster', () => {
    const renamed = realSynth().stacks.map((s): [string, Json] => {
      if (s.id !== PLATFORM) return [s.id, s.json];
      const json = structuredClone(s.json);
      deleteRelease(json, 'jupyterhub');
      return ['hub-apps-prod', json];
    });
    expect(required(SynthOutput.fromJson(renamed))).toEqual([
      expect.objectContaining({ stack: 'hub-apps-prod', message: 'no helm_release of chart jupyterhub' }),
    ]);
  });

  it('reports a hub cluster whose platform stack is gone', () => {
    const gone = SynthOutput.fromJson(
      realSynth()
        .stacks.filter((s) => s.id !== PLATFORM)
        .map((s) => [s.id, s.json]),
    );
    expect(required(gone)).toEqual([
      expect.objectContaining({
        stack: CLUSTER,
        address: expect.stringMatching(/^aws_eks_cluster\./),
        message: 'no hub platform stack installs into this cluster',
      }),
    ]);
  });

  it('leaves other Helm stacks alone (a monitoring platform)', () => {
    const monitoring = SynthOutput.fromJson([['monitoring-platform', { provider: { helm: [{}] } }]]);
    expect(required(monitoring)).toEqual([]);
  });
});

describe('jupyterhub.singleton-disruption', () => {
  it('requires the safe-to-evict annotation on the proxy pod too', () => {
    const unannotated = hubValues((v) => delete v.proxy.annotations);
    expect(firedBy([PLATFORM, unannotated])).toEqual(['jupyterhub.singleton-disruption']);
  });
});

describe('helm.chart-values', () => {
  const ruleOnly = RULES.filter((r) => r.id === 'helm.chart-values');
  const messages = (synth: SynthOutput) => evaluate(synth, ruleOnly).violations.map((v) => v.message);

  it('names a wrong type and a misspelt nested key of a chart with a schema', () => {
    const synth = changedSynth([
      PLATFORM,
      hubValues((v) => {
        v.singleuser.storagee = { capacity: '10Gi' };
        v.cull = 5;
      }),
    ]);
    expect(messages(synth)).toEqual([
      'singleuser.storagee is not a key of the chart (chart jupyterhub 4.4.0); cull must be object (chart jupyterhub 4.4.0)',
    ]);
  });

  it('checks key paths of a chart without a schema', () => {
    const synth = changedSynth([
      PLATFORM,
      (j) => {
        const autoscaler = release(j, 'cluster-autoscaler');
        autoscaler.values = [stringify({ ...parse(autoscaler.values[0]), awsRegoin: 'x' })];
      },
    ]);
    expect(messages(synth)).toEqual([
      'awsRegoin is not a key of the chart (chart cluster-autoscaler 9.59.0)',
    ]);
  });

  it('reports every pinned release as unchecked when the chart data is not on this machine', () => {
    const saved = { charts: process.env.UPSTREAM_CHARTS_DIR };
    process.env.UPSTREAM_CHARTS_DIR = '/nonexistent/charts';
    try {
      const unchecked = evaluate(realSynth(), ruleOnly).violations.filter((v) => v.stack === PLATFORM);
      expect(unchecked.map((v) => v.message)).toContain(
        'the data of chart jupyterhub 4.4.0 is not on this machine, so its values are unchecked; set UPSTREAM_CHARTS_DIR or fill the chart cache',
      );
      expect(unchecked).toHaveLength(all(realSynth().stack(PLATFORM)!.json, 'helm_release').length);
    } finally {
      if (saved.charts === undefined) delete process.env.UPSTREAM_CHARTS_DIR;
      else process.env.UPSTREAM_CHARTS_DIR = saved.charts;
    }
  });
});

describe('jupyterhub.placeholder-scaler-role edges', () => {
  const HACKWEEK = 'hub-platform-hackweek';
  const role = (j: Json) => find(j, 'kubernetes_role_v1', 'placeholder-schedule/role');
  const binding = (j: Json) => find(j, 'kubernetes_role_binding_v1', 'placeholder-schedule/binding');

  it.each<[string, (j: Json) => void]>([
    ['a verb beyond get and patch', (j) => role(j).rule[0].verbs.push('update')],
    ['the StatefulSets themselves, not their scale', (j) => (role(j).rule[0].resources = ['statefulsets'])],
    [
      'a second rule on pods',
      (j) => role(j).rule.push({ api_groups: [''], resources: ['pods'], verbs: ['list'] }),
    ],
    ['a wildcard name', (j) => (role(j).rule[0].resource_names = ['*'])],
    [
      'a binding to the cluster-admin ClusterRole',
      (j) =>
        (binding(j).role_ref = {
          api_group: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        }),
    ],
  ])('fires on %s', (_label, edit) => {
    expect(firedBy([HACKWEEK, edit])).toEqual(['jupyterhub.placeholder-scaler-role']);
  });
});
