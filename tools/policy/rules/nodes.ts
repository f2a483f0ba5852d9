/** Managed node groups and their launch templates. */
import {
  ACCELERATOR_LABEL,
  EKS_TAINT_EFFECT,
  GPU_RESOURCE,
  GPU_TAINT,
  NODE_PURPOSE_LABEL,
  USER_TAINT,
} from '../../../lib/node-scheduling';
import { StackView, TfResource, block, blocks, list } from '../stack-view';
import { Json, Rule } from '../types';
import { coversTcpPort, securityGroupRules } from './network';
import { NVIDIA_AMIS, isGpuGroup, launchTemplateOf, nodeGroups } from './node-groups';
import { outcome, show } from './outcome';
import { defaultRoutes, routeTarget } from './routes';

const NODE_TEMPLATE = 'k8s.io/cluster-autoscaler/node-template';
const SSH_PORT = 22;

/** Whether a node group carries a taint (EKS spelling of the effect). */
function hasTaint(group: TfResource, taint: typeof USER_TAINT): boolean {
  return blocks(group.body.taint).some(
    (t: Json) =>
      t.key === taint.key && t.value === taint.value && t.effect === EKS_TAINT_EFFECT[taint.effect],
  );
}

/** Every node group's launch template, or the group itself when it has none. */
function* launchTemplates(stack: StackView): Generator<[TfResource, Json | undefined]> {
  const seen = new Set<string>();
  for (const group of nodeGroups(stack)) {
    const template = launchTemplateOf(stack, group);
    if (!template) yield [group, undefined];
    else if (!seen.has(template.address)) {
      seen.add(template.address);
      yield [template, block(template.body.metadata_options) ?? {}];
    }
  }
}

const NO_TEMPLATE = 'no launch template of this stack, so EKS defaults apply (IMDSv1 allowed, hop limit 2)';

export const NODE_RULES: Rule[] = [
  {
    id: 'nodes.no-ssh',
    severity: 'must',
    title: 'No SSH access to nodes',
    rationale: 'SSH keys on nodes are standing credentials; Session Manager gives audited access instead.',
    anchors: ['CKV_AWS_100', 'EKS Best Practices: security/hosts, Minimize access to worker nodes'],
    reference: 'RC-12',
    *check(stack) {
      for (const group of nodeGroups(stack)) {
        yield outcome(group.address, [
          group.body.remote_access !== undefined && 'remote_access (SSH) is configured',
        ]);
      }
      // With a launch template EKS rejects remote_access, so the key and port 22 are where SSH would come in.
      for (const template of stack.resources('aws_launch_template')) {
        const key = template.body.key_name;
        yield outcome(template.address, [
          key !== undefined && key !== null && key !== '' && `key_name ${show(key)} installs an SSH key`,
        ]);
      }
      for (const rule of securityGroupRules(stack).filter((r) => r.direction === 'ingress')) {
        yield outcome(rule.address, [
          coversTcpPort(rule, SSH_PORT) &&
            `ingress ${rule.protocol} ${show(rule.fromPort)}-${show(rule.toPort)} admits SSH (port ${SSH_PORT})`,
        ]);
      }
    },
  },
  {
    id: 'nodes.imdsv2',
    severity: 'must',
    title: 'IMDSv2 required on every node',
    rationale: 'IMDSv1 lets any SSRF in a notebook fetch the node role credentials.',
    anchors: [
      'CKV_AWS_79',
      'AWS-0130',
      'EKS Best Practices: security/iam, Restrict access to the instance profile',
    ],
    reference: 'RC-13',
    *check(stack) {
      for (const [subject, options] of launchTemplates(stack)) {
        yield outcome(subject.address, [
          !options && NO_TEMPLATE,
          options &&
            options.http_tokens !== 'required' &&
            `metadata_options.http_tokens is ${show(options.http_tokens)}, must be "required"`,
          options?.http_endpoint === 'disabled' &&
            'metadata_options.http_endpoint is disabled; the termination handler needs IMDS',
        ]);
      }
    },
  },
  {
    id: 'nodes.imds-hop-limit',
    severity: 'must',
    title: 'IMDS hop limit 1',
    rationale: 'With hop limit 1, pods without host networking cannot obtain node credentials.',
    anchors: ['CKV_AWS_341', 'EKS Best Practices: security/iam, Restrict access to the instance profile'],
    reference: 'RC-14',
    *check(stack) {
      for (const [subject, options] of launchTemplates(stack)) {
        const hops = options?.http_put_response_hop_limit;
        yield outcome(subject.address, [
          !options && NO_TEMPLATE,
          options && hops !== 1 && `metadata_options.http_put_response_hop_limit is ${show(hops)}, must be 1`,
        ]);
      }
    },
  },
  {
    id: 'nodes.private-subnets',
    severity: 'must',
    title: 'Nodes only in private subnets',
    rationale: 'Nodes in public subnets are directly reachable from the internet.',
    anchors: [
      'CKV_AWS_130',
      'AWS-0164',
      'EKS Best Practices: security/hosts, Deploy workers onto private subnets',
    ],
    reference: 'RC-15',
    *check(stack) {
      for (const group of nodeGroups(stack)) {
        const problems = list(group.body.subnet_ids).map((id) => {
          const subnet = stack.target(id, 'aws_subnet');
          if (!subnet) return `subnet ${show(id)} is not declared in this stack`;
          if (subnet.body.map_public_ip_on_launch === true)
            return `${subnet.address} maps public IPs on launch`;
          const routes = defaultRoutes(stack, subnet);
          if (!routes.known) return `${subnet.address} is not proven private: ${routes.why}`;
          if (routeTarget(stack, routes.routes) === 'internet')
            return `${subnet.address} routes its default route to an internet gateway`;
          return undefined;
        });
        yield outcome(group.address, problems);
      }
    },
  },
  {
    id: 'nodes.gpu-pools',
    severity: 'must',
    title: 'GPU pools: NVIDIA AMI, GPU taint and accelerator label',
    rationale:
      'Without the taint CPU pods fill GPU nodes; without the label the autoscaler mishandles the device-plugin delay.',
    anchors: [
      'EKS Best Practices: aiml/aiml_compute, Use taints and tolerations',
      'cluster-autoscaler AWS README: Special note on GPU instances',
    ],
    reference: 'RC-16',
    *check(stack) {
      for (const group of nodeGroups(stack).filter(isGpuGroup)) {
        yield outcome(group.address, [
          !NVIDIA_AMIS.includes(group.body.ami_type) &&
            `ami_type ${show(group.body.ami_type)} is not one of ${NVIDIA_AMIS.join(', ')}`,
          !hasTaint(group, GPU_TAINT) &&
            `no ${GPU_TAINT.key}=${GPU_TAINT.value}:${EKS_TAINT_EFFECT[GPU_TAINT.effect]} taint`,
          !group.body.labels?.[ACCELERATOR_LABEL] && `no ${ACCELERATOR_LABEL} label`,
        ]);
      }
    },
  },
  {
    id: 'nodes.scale-from-zero-tags',
    severity: 'must',
    title: 'Pools that start at zero advertise labels, taints and GPUs on their ASG',
    rationale:
      'Node-group labels are not propagated to the ASG; without node-template tags pending users never scale a pool up from zero.',
    anchors: [
      'cluster-autoscaler AWS README: Auto-Discovery Setup, scaling a node group to 0',
      'aws/containers-roadmap#608',
    ],
    reference: 'RC-17',
    *check(stack) {
      for (const group of nodeGroups(stack).filter((g) => block(g.body.scaling_config)?.min_size === 0)) {
        const tags = new Map<string, string>(
          stack
            .resources('aws_autoscaling_group_tag')
            .filter((t) => stack.refersTo(t.body.autoscaling_group_name, group))
            .map((t) => [block(t.body.tag)?.key, block(t.body.tag)?.value]),
        );
        const want: Array<[string, string | undefined]> = [
          ...Object.entries<string>(group.body.labels ?? {}).map(([k, v]): [string, string] => [
            `${NODE_TEMPLATE}/label/${k}`,
            v,
          ]),
          ...blocks(group.body.taint).map((t: Json): [string, string] => [
            `${NODE_TEMPLATE}/taint/${t.key}`,
            `${t.value}:${Object.entries(EKS_TAINT_EFFECT).find(([, eks]) => eks === t.effect)?.[0]}`,
          ]),
          ...(isGpuGroup(group)
            ? [[`${NODE_TEMPLATE}/resources/${GPU_RESOURCE}`, undefined] as [string, undefined]]
            : []),
        ];
        const missing = want.filter(
          ([key, value]) => !tags.has(key) || (value !== undefined && tags.get(key) !== value),
        );
        yield outcome(group.address, [
          missing.length > 0 &&
            `min_size is 0 but the ASG lacks tags ${missing.map(([k, v]) => (v ? `${k}=${v}` : k)).join(', ')}`,
        ]);
      }
    },
  },
  {
    id: 'nodes.desired-size-ignored',
    severity: 'must',
    title: 'Scaling bounds consistent, desired size left to the autoscaler',
    rationale: 'Each apply would otherwise undo the autoscaler and remove nodes that users are on.',
    anchors: [
      'terraform-aws-eks eks-managed-node-group: ignore_changes desired_size',
      'aws-cdk aws-eks nodegroup validation',
    ],
    reference: 'RC-19',
    *check(stack) {
      for (const group of nodeGroups(stack)) {
        const {
          min_size: min,
          desired_size: desired,
          max_size: max,
        } = block(group.body.scaling_config) ?? {};
        const ignored = list(group.body.lifecycle?.ignore_changes);
        yield outcome(group.address, [
          !(min <= desired && desired <= max) &&
            `scaling_config min ${show(min)} <= desired ${show(desired)} <= max ${show(max)} does not hold`,
          !ignored.some(
            (a) => a === 'scaling_config[0].desired_size' || a === 'scaling_config' || a === 'all',
          ) && 'lifecycle.ignore_changes does not include scaling_config[0].desired_size',
        ]);
      }
    },
  },
  {
    id: 'nodes.dedicated-user-pools',
    severity: 'must',
    title: 'Every pool says its purpose; user pools are tainted for users only',
    rationale:
      'Core pods on user nodes block scale-down and share their fate (mybinder 2017-11-30 proxy OOM).',
    anchors: [
      'zero-to-jupyterhub docs: administrator/optimization, Using a dedicated node pool for users',
      'mybinder incident 2017-11-30-oom-proxy',
    ],
    reference: 'OL-08',
    *check(stack) {
      for (const group of nodeGroups(stack)) {
        const purpose = group.body.labels?.[NODE_PURPOSE_LABEL];
        yield outcome(group.address, [
          !['core', 'user'].includes(purpose) &&
            `label ${NODE_PURPOSE_LABEL} is ${show(purpose)}, must be core or user`,
          (purpose === 'user' || isGpuGroup(group)) &&
            !hasTaint(group, USER_TAINT) &&
            `a user pool without the ${USER_TAINT.key}=${USER_TAINT.value}:${EKS_TAINT_EFFECT[USER_TAINT.effect]} taint`,
          purpose === 'core' && hasTaint(group, USER_TAINT) && 'the core pool carries the user taint',
        ]);
      }
    },
  },
  {
    id: 'nodes.on-demand-user-pools',
    severity: 'should',
    title: 'User pools on On-Demand capacity',
    rationale: 'A Spot interruption drains bare user pods: notebooks die and are not recreated.',
    anchors: [
      'aws-node-termination-handler pkg/node/node.go (drain with Force)',
      'aws/aws-node-termination-handler#186',
    ],
    reference: 'OL-12',
    *check(stack) {
      for (const group of nodeGroups(stack).filter((g) => g.body.labels?.[NODE_PURPOSE_LABEL] === 'user')) {
        const capacity = group.body.capacity_type ?? 'ON_DEMAND';
        yield outcome(group.address, [capacity !== 'ON_DEMAND' && `capacity_type is ${show(capacity)}`]);
      }
    },
  },
  {
    id: 'nodes.encrypted-volumes',
    severity: 'must',
    title: 'Node volumes encrypted',
    rationale: 'Node disks hold image layers, emptyDir scratch and logs of user sessions.',
    // checkov's CKV_AWS_8 covers launch configurations and instances, not launch templates.
    anchors: [
      'AWS Config rule ec2-launchtemplate-ebs-encrypted',
      'EKS Best Practices: security/data, Encryption at rest',
    ],
    *check(stack) {
      for (const [subject, options] of launchTemplates(stack)) {
        const mappings = options ? blocks(subject.body.block_device_mappings) : [];
        yield outcome(subject.address, [
          !options && NO_TEMPLATE,
          options &&
            mappings.length === 0 &&
            'no block_device_mappings, so the root volume is the AMI default (unencrypted unless account default)',
          ...mappings.map(
            (m: Json) =>
              String(block(m.ebs)?.encrypted) !== 'true' && `volume ${m.device_name} is not encrypted`,
          ),
        ]);
      }
    },
  },
  {
    id: 'nodes.version-matches-cluster',
    severity: 'should',
    title: 'Node groups at the control-plane version',
    rationale:
      'Version skew between nodes and control plane is supported only within limits and hides upgrade debt.',
    anchors: ['EKS Best Practices: upgrades, Keep your cluster up-to-date'],
    reference: 'RC-06',
    *check(stack) {
      for (const group of nodeGroups(stack)) {
        const cluster = stack.target(group.body.cluster_name, 'aws_eks_cluster');
        if (!cluster) continue;
        const version = group.body.version;
        yield outcome(group.address, [
          version !== undefined &&
            version !== cluster.body.version &&
            !stack.refersTo(version, cluster) &&
            `version ${show(version)} differs from the cluster's ${show(cluster.body.version)}`,
        ]);
      }
    },
  },
];
