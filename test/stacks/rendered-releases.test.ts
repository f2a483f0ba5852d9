/**
 * Every helm_release of every platform stack, rendered by the real helm (`helm template`)
 * against its pinned chart with the values the release will give helm, for the cluster's
 * Kubernetes version. Each must render without error, and the manifests must do what the
 * release is there for. Expected values come from config and typed code, and from the
 * synthesized cluster stack for what only exists there (IRSA roles, the queue). The
 * key-path checks (hub-platform-stack.test.ts) stay the fast first line; this is the proof
 * that the charts read our values the way we meant.
 */
import { parse } from 'yaml';
import { CHARTS } from '../../lib/platform/charts';
import { clusterOwnershipTag } from '../../lib/platform/cluster-autoscaler';
import { instanceTypeSpec } from '../../lib/instance-types';
import { loginSecret } from '../../lib/jupyterhub/authentication';
import { CLIENT_SECRET_KEY, CLIENT_SECRET_NAME } from '../../lib/jupyterhub/names';
import { clusterName } from '../../lib/naming';
import { AUTOSCALER_EXPENDABLE_PRIORITY_CUTOFF, EKS_TAINT_EFFECT } from '../../lib/node-scheduling';
import { Environment } from '../../config/schema';
import { Manifest, RenderedRelease, renderRelease, standIn } from '../support/helm';
import {
  NodeShape,
  egressAllowsIp,
  notGuaranteed,
  objectNamed,
  objectsOf,
  podTemplates,
  unschedulableReasons,
} from '../support/manifests';
import { StackJson, configuredEnvironments, resourcesOf, synthStacks } from '../support/synth';

const environments = configuredEnvironments();
const stacks = synthStacks();

interface Case {
  readonly env: Environment;
  readonly platform: StackJson;
  readonly cluster: StackJson;
  readonly release: StackJson;
  readonly label: string;
}

const cases: Case[] = environments.flatMap((env) => {
  const platform = stacks.get(`hub-platform-${env.name}`)!;
  const cluster = stacks.get(`hub-cluster-${env.name}`)!;
  return resourcesOf(platform, 'helm_release').map(([, release]) => ({
    env,
    platform,
    cluster,
    release,
    label: `${env.name}: ${release.name} (${release.chart} ${release.version})`,
  }));
});

const rendered = new Map<string, RenderedRelease | Error>();

beforeAll(async () => {
  // Two helm processes at a time: the machine is shared, and each render takes under a second.
  const queue = [...cases];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const c = next;
      rendered.set(
        c.label,
        await renderRelease(c.release, c.env.cluster.kubernetesVersion).catch((error: Error) => error),
      );
    }
  };
  await Promise.all([worker(), worker()]);
}, 180_000);

function renderOf(c: Case): RenderedRelease {
  const result = rendered.get(c.label);
  if (result === undefined) throw new Error(`${c.label} was not rendered`);
  if (result instanceof Error) throw result;
  return result;
}

/** The case of `chart` in environment `env`. */
function caseOf(env: Environment, chart: string): Case {
  const found = cases.filter((c) => c.env === env && c.release.chart === chart);
  if (found.length !== 1)
    throw new Error(`expected one ${chart} release in ${env.name}, found ${found.length}`);
  return found[0];
}

/** The Terraform expression by which the platform stack reads output `outputKey` of the cluster stack. */
function clusterOutputRef(c: Case, outputKey: string): string {
  const remoteStates = Object.keys(c.platform.data?.terraform_remote_state ?? {});
  if (remoteStates.length !== 1)
    throw new Error(`expected one remote state, found ${remoteStates.join(', ')}`);
  return `data.terraform_remote_state.${remoteStates[0]}.outputs.${outputKey}`;
}

/** The cluster stack's output whose value is `${expression}`. */
function outputOf(c: Case, expression: string): string {
  const keys = Object.entries(c.cluster.output ?? {})
    .filter(([, o]) => (o as StackJson).value === `\${${expression}}`)
    .map(([key]) => key);
  if (keys.length !== 1)
    throw new Error(`expected one cluster output of ${expression}, found ${keys.length}`);
  return keys[0];
}

/**
 * The stand-in rendered for the ARN of the IAM role whose trust policy lets exactly the
 * Kubernetes service account `namespace/name` assume it (IRSA), as the platform reads it.
 */
function irsaRoleStandIn(c: Case, namespace: string, name: string): string {
  const subject = `system:serviceaccount:${namespace}:${name}`;
  const roles = resourcesOf(c.cluster, 'aws_iam_role').filter(([, role]) =>
    (JSON.parse(role.assume_role_policy).Statement as StackJson[]).some((s) =>
      Object.values(s.Condition?.StringEquals ?? {}).includes(subject),
    ),
  );
  if (roles.length !== 1) throw new Error(`expected one IRSA role for ${subject}, found ${roles.length}`);
  return standIn(clusterOutputRef(c, outputOf(c, `aws_iam_role.${roles[0][0]}.arn`)));
}

/** The stand-in rendered for the URL of the cluster stack's one SQS queue (the interruption queue). */
function queueUrlStandIn(c: Case): string {
  const queues = resourcesOf(c.cluster, 'aws_sqs_queue');
  if (queues.length !== 1) throw new Error(`expected one SQS queue, found ${queues.length}`);
  return standIn(clusterOutputRef(c, outputOf(c, `aws_sqs_queue.${queues[0][0]}.url`)));
}

/** The nodes of each node group of the cluster stack, by node group name, with whether they have GPUs. */
function nodeGroups(c: Case): Array<{ name: string; gpu: boolean; node: NodeShape }> {
  const effects = Object.fromEntries(Object.entries(EKS_TAINT_EFFECT).map(([k8s, eks]) => [eks, k8s]));
  return resourcesOf(c.cluster, 'aws_eks_node_group').map(([, group]) => ({
    name: group.node_group_name,
    gpu: (group.instance_types as string[]).some((type) => instanceTypeSpec(type).gpus > 0),
    node: {
      labels: group.labels ?? {},
      taints: (group.taint ?? []).map((t: StackJson) => ({
        key: t.key,
        value: t.value,
        effect: effects[t.effect],
      })),
    },
  }));
}

/** The priority expander's tiers: its ConfigMap holds YAML `priority: [patterns]`. */
function parseTiers(text: string): Record<string, string[]> {
  return parse(text);
}

function container(pod: Manifest, name: string): Manifest {
  const found = (pod.containers as Manifest[]).filter((c) => c.name === name);
  if (found.length !== 1) throw new Error(`expected one container ${name}, found ${found.length}`);
  return found[0];
}

function envOf(c: Manifest): Record<string, unknown> {
  return Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));
}

/** The single workload of `kind` in the manifests. */
function onlyOf(manifests: readonly Manifest[], kind: string): Manifest {
  const found = objectsOf(manifests, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

/**
 * The one departure from Guaranteed QoS, by design: the EFS node plugin's CPU has a request
 * and no limit, because TLS to EFS is CPU-bound and a CFS quota would throttle every user's
 * file I/O on the node; its memory is requested and limited alike, and it runs
 * system-node-critical.
 */
const BURSTABLE_BY_DESIGN: Readonly<Record<string, readonly string[]>> = {
  'DaemonSet/efs-csi-node': ['efs-plugin: no cpu limit'],
};

describe.each(cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
  it('renders with helm template, with no error', () => {
    expect(renderOf(c).manifests.length).toBeGreaterThan(0);
  });

  it('carries every Terraform reference of its values through to the manifests', () => {
    const { manifests, standIns } = renderOf(c);
    // The chart hands the hub its values in a Secret (values.yaml, base64): read them too.
    const secretData = objectsOf(manifests, 'Secret').flatMap((secret) =>
      Object.values<string>(secret.data ?? {}).map((encoded) =>
        Buffer.from(encoded, 'base64').toString('utf8'),
      ),
    );
    const text = JSON.stringify(manifests) + secretData.join('\n');
    const lost = [...standIns.values()].filter((value) => !text.includes(value));
    expect(lost).toEqual([]);
    expect(text).not.toMatch(/\$\{/);
  });

  it('runs every infrastructure pod with Guaranteed QoS', () => {
    // The placeholders stand in for user servers and are sized like them, so they are not infrastructure.
    const pods = podTemplates(renderOf(c).manifests).filter((p) => p.labels.component !== 'user-placeholder');
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.map((p) => ({ pod: p.owner, problems: notGuaranteed(p.spec) }))).toEqual(
      pods.map((p) => ({ pod: p.owner, problems: BURSTABLE_BY_DESIGN[p.owner] ?? [] })),
    );
  });
});

describe.each(environments.map((env) => [env.name, env] as const))(
  '%s: what each release is for',
  (_name, env) => {
    it('cluster-autoscaler discovers this cluster’s node groups and uses our expander', () => {
      const c = caseOf(env, CHARTS.clusterAutoscaler.chart);
      const { manifests } = renderOf(c);
      const deployment = onlyOf(manifests, 'Deployment');
      const pod = deployment.spec.template.spec;
      const args: string[] = pod.containers[0].command ?? pod.containers[0].args;
      const autoscaling = env.platform.autoscaler;
      expect(args).toContain(
        `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,${clusterOwnershipTag(clusterName(env))}`,
      );
      const expander = args
        .find((a) => a.startsWith('--expander='))
        ?.split('=')[1]
        .split(',');
      expect(expander?.[0]).toBe(autoscaling.expander);
      expect(args).toContain(`--balance-similar-node-groups=${autoscaling.balanceSimilarNodeGroups}`);
      expect(args).toContain(`--scale-down-unneeded-time=${autoscaling.scaleDownUnneededMinutes}m`);
      expect(args).toContain(`--expendable-pods-priority-cutoff=${AUTOSCALER_EXPENDABLE_PRIORITY_CUTOFF}`);
      expect(envOf(pod.containers[0]).AWS_REGION).toBe(env.region);
      const sa = objectNamed(manifests, 'ServiceAccount', pod.serviceAccountName);
      expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
        irsaRoleStandIn(c, c.release.namespace, sa.metadata.name),
      );
      if (autoscaling.expander === 'priority') {
        // The priority expander reads its tiers from this ConfigMap; every pool must be in a tier above the catch-all.
        const tiers = objectNamed(manifests, 'ConfigMap', 'cluster-autoscaler-priority-expander').data
          .priorities;
        for (const group of nodeGroups(c).filter(
          (g) => g.node.labels['hub.jupyter.org/node-purpose'] === 'user',
        )) {
          const asg = `eks-${group.name}-0123abcd-0123-4567-89ab-0123456789ab`;
          const matching = Object.entries(parseTiers(tiers)).filter(([, patterns]) =>
            patterns.some((p) => new RegExp(p).test(asg)),
          );
          expect({
            group: group.name,
            tiers: matching.map(([tier]) => Number(tier)).filter((t) => t > 1),
          }).toEqual({
            group: group.name,
            tiers: [expect.any(Number)],
          });
        }
      }
    });

    it('the termination handler drains from the interruption queue, not IMDS', () => {
      const c = caseOf(env, CHARTS.nodeTerminationHandler.chart);
      const { manifests } = renderOf(c);
      // Queue mode is a Deployment; IMDS mode would be a DaemonSet on every node.
      expect(objectsOf(manifests, 'DaemonSet')).toEqual([]);
      const pod = onlyOf(manifests, 'Deployment').spec.template.spec;
      const vars = envOf(container(pod, 'aws-node-termination-handler'));
      expect(vars.ENABLE_SQS_TERMINATION_DRAINING).toBe('true');
      expect(vars.QUEUE_URL).toBe(queueUrlStandIn(c));
      expect(vars.AWS_REGION).toBe(env.region);
      expect(vars.POD_TERMINATION_GRACE_PERIOD).toBe(
        String(env.platform.terminationHandler.drainGracePeriodSeconds),
      );
      const sa = objectNamed(manifests, 'ServiceAccount', pod.serviceAccountName);
      expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
        irsaRoleStandIn(c, c.release.namespace, sa.metadata.name),
      );
    });

    it('the EFS driver’s controller runs as the service account its IRSA role trusts', () => {
      const c = caseOf(env, CHARTS.efsCsiDriver.chart);
      const { manifests } = renderOf(c);
      const controller = objectNamed(manifests, 'Deployment', 'efs-csi-controller').spec.template.spec;
      const sa = objectNamed(manifests, 'ServiceAccount', controller.serviceAccountName);
      expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
        irsaRoleStandIn(c, c.release.namespace, sa.metadata.name),
      );
    });

    it("the hub reads its login's secret (OAuth client secret or shared password) from its Secret", () => {
      const c = caseOf(env, CHARTS.jupyterhub.chart);
      const hub = objectNamed(renderOf(c).manifests, 'Deployment', 'hub').spec.template.spec;
      const secretRef = envOf(container(hub, 'hub'))[loginSecret(env.hub, clusterName(env)).envVar];
      expect(secretRef).toEqual({ secretKeyRef: { name: CLIENT_SECRET_NAME, key: CLIENT_SECRET_KEY } });
      // ...and that Secret is one the platform stack creates, with that key, in the hub's namespace.
      const secrets = resourcesOf(c.platform, 'kubernetes_secret_v1').map(([, s]) => s);
      const created = secrets.filter(
        (s) => s.metadata.name === CLIENT_SECRET_NAME && s.metadata.namespace === c.release.namespace,
      );
      expect(created).toHaveLength(1);
      // Written through the write-only data_wo, so the secret never enters Terraform state.
      expect(created[0].data).toBeUndefined();
      expect(Object.keys(created[0].data_wo)).toContain(CLIENT_SECRET_KEY);
    });

    it('user pods reach the internet, but not the node’s metadata service or private addresses', () => {
      const c = caseOf(env, CHARTS.jupyterhub.chart);
      const policy = objectNamed(renderOf(c).manifests, 'NetworkPolicy', 'singleuser');
      expect(policy.spec.podSelector.matchLabels.component).toBe('singleuser-server');
      expect(policy.spec.policyTypes).toEqual(expect.arrayContaining(['Ingress', 'Egress']));
      const vpcAddress = env.network.vpcCidr.replace(/\.0\/\d+$/, '.10'); // an address inside the VPC
      expect({
        internet: egressAllowsIp(policy, '151.101.0.223', 443),
        metadata: egressAllowsIp(policy, '169.254.169.254', 80),
        vpc: egressAllowsIp(policy, vpcAddress, 2049),
        rfc1918: egressAllowsIp(policy, '192.168.1.1', 443),
      }).toEqual({ internet: true, metadata: false, vpc: false, rfc1918: false });
      // Ingress only from pods labelled for it (the proxy, the hub).
      for (const rule of policy.spec.ingress as Manifest[]) {
        for (const peer of rule.from as Manifest[]) {
          expect(Object.keys(peer)).toEqual(['podSelector']);
        }
      }
    });

    it('the placeholders hold the seats asked for, at a priority the autoscaler scales up for', () => {
      const c = caseOf(env, CHARTS.jupyterhub.chart);
      const { manifests } = renderOf(c);
      const placeholder = objectNamed(manifests, 'StatefulSet', 'user-placeholder');
      expect(placeholder.spec.replicas).toBe(env.hub.placeholders);
      const priority = objectNamed(
        manifests,
        'PriorityClass',
        placeholder.spec.template.spec.priorityClassName,
      );
      const cutoffArg = (
        onlyOf(renderOf(caseOf(env, CHARTS.clusterAutoscaler.chart)).manifests, 'Deployment').spec.template
          .spec.containers[0].command as string[]
      ).find((a) => a.startsWith('--expendable-pods-priority-cutoff='));
      expect(priority.value).toBeGreaterThanOrEqual(Number(cutoffArg?.split('=')[1]));
      // They sit on user nodes, where the servers they make room for will go, never on core nodes.
      const groups = nodeGroups(c);
      const fits = groups.filter(
        (g) => unschedulableReasons(placeholder.spec.template.spec, g.node).length === 0,
      );
      expect(fits.length).toBeGreaterThan(0);
      expect(fits.every((g) => g.node.labels['hub.jupyter.org/node-purpose'] === 'user')).toBe(true);
    });

    it('the device plugin lands on every GPU node group and on no other', () => {
      const c = caseOf(env, CHARTS.nvidiaDevicePlugin.chart);
      const daemonSets = objectsOf(renderOf(c).manifests, 'DaemonSet');
      const groups = nodeGroups(c);
      const runsOn = (ds: Manifest) =>
        groups.map((g) => ({
          group: g.name,
          runs: unschedulableReasons(ds.spec.template.spec, g.node).length === 0,
        }));
      const plugin = objectNamed(daemonSets, 'DaemonSet', c.release.name);
      expect(runsOn(plugin)).toEqual(groups.map((g) => ({ group: g.name, runs: g.gpu })));
      // The chart's other DaemonSets (the MPS control daemon, for nodes labelled for MPS) never reach a CPU node.
      for (const ds of daemonSets) {
        expect(runsOn(ds).filter((r) => r.runs && !groups.find((g) => g.name === r.group)!.gpu)).toEqual([]);
      }
    });
  },
);
