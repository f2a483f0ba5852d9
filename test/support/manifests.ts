/**
 * Questions asked of rendered Kubernetes manifests, answered the way Kubernetes would:
 * the pod templates of every workload, QoS class, whether a pod can be scheduled onto a
 * node with given labels and taints, and what a NetworkPolicy lets a pod reach.
 */
import { parseCidr, cidrsOverlap } from '../../lib/cidr';
import { Manifest } from './helm';

/** Objects of `kind` in `manifests`. */
export function objectsOf(manifests: readonly Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The one object of `kind` named `name`; throws when there is not exactly one. */
export function objectNamed(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const matches = objectsOf(manifests, kind).filter((m) => m.metadata?.name === name);
  if (matches.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${matches.length}`);
  return matches[0];
}

export interface PodTemplate {
  /** `Kind/name` of the workload. */
  readonly owner: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: Manifest;
}

const WORKLOADS = ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job'];

/** The pod template of every workload, and every bare Pod, in `manifests`. */
export function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
  return manifests.flatMap((m): PodTemplate[] => {
    const owner = `${m.kind}/${m.metadata?.name}`;
    if (WORKLOADS.includes(m.kind)) {
      return [{ owner, labels: m.spec.template.metadata?.labels ?? {}, spec: m.spec.template.spec }];
    }
    if (m.kind === 'CronJob') {
      const template = m.spec.jobTemplate.spec.template;
      return [{ owner, labels: template.metadata?.labels ?? {}, spec: template.spec }];
    }
    if (m.kind === 'Pod') return [{ owner, labels: m.metadata?.labels ?? {}, spec: m.spec }];
    return [];
  });
}

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes resource quantity (`100m`, `0.5`, `1.5G`, `512Mi`, `1e3`) as a number. */
export function quantity(value: unknown): number {
  const text = String(value);
  const match = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(text);
  if (!match) throw new Error(`${JSON.stringify(value)} is not a Kubernetes quantity`);
  const unit = match[2] ?? '';
  return Number(match[1]) * (BINARY[unit] ?? DECIMAL[unit]);
}

/**
 * Why a pod would not be Guaranteed QoS: every container (init containers too) must set
 * cpu and memory limits, with requests equal to them (an omitted request defaults to the
 * limit). [] when it is Guaranteed.
 */
export function notGuaranteed(spec: Manifest): string[] {
  const containers: Manifest[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  return containers.flatMap((c) =>
    ['cpu', 'memory'].flatMap((resource) => {
      const limit = c.resources?.limits?.[resource];
      const request = c.resources?.requests?.[resource] ?? limit;
      if (limit === undefined) return [`${c.name}: no ${resource} limit`];
      return quantity(request) === quantity(limit)
        ? []
        : [`${c.name}: ${resource} request ${request} is not its limit ${limit}`];
    }),
  );
}

/** A node as the scheduler sees it. */
export interface NodeShape {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
}

function matchesExpression(labels: Readonly<Record<string, string>>, e: Manifest): boolean {
  const value = labels[e.key];
  const values: string[] = (e.values ?? []).map(String);
  switch (e.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      throw new Error(`unknown node selector operator ${e.operator}`);
  }
}

function tolerates(tolerations: readonly Manifest[], taint: NodeShape['taints'][number]): boolean {
  return tolerations.some(
    (t) =>
      (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === taint.key) &&
      (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')) &&
      (t.effect === undefined || t.effect === '' || t.effect === taint.effect),
  );
}

/**
 * Why a pod with `spec` could not be scheduled onto `node` (nodeSelector, required node
 * affinity, NoSchedule/NoExecute taints); [] when it could.
 */
export function unschedulableReasons(spec: Manifest, node: NodeShape): string[] {
  const reasons: string[] = [];
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (node.labels[key] !== value) reasons.push(`nodeSelector ${key}=${value}`);
  }
  const terms: Manifest[] =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (
    terms.length > 0 &&
    !terms.some((term) =>
      (term.matchExpressions ?? []).every((e: Manifest) => matchesExpression(node.labels, e)),
    )
  ) {
    reasons.push('required node affinity');
  }
  for (const taint of node.taints) {
    if (taint.effect !== 'PreferNoSchedule' && !tolerates(spec.tolerations ?? [], taint)) {
      reasons.push(`taint ${taint.key}=${taint.value ?? ''}:${taint.effect}`);
    }
  }
  return reasons;
}

/** Whether NetworkPolicy `policy` lets its pods open a TCP connection to `ip`:`port` outside the cluster. */
export function egressAllowsIp(policy: Manifest, ip: string, port: number): boolean {
  const target = parseCidr(`${ip}/32`);
  if (!target) throw new Error(`${ip} is not an IPv4 address`);
  const inside = (cidr: string) => {
    const block = parseCidr(cidr);
    if (!block) throw new Error(`${cidr} in ${policy.metadata?.name} is not a CIDR`);
    return cidrsOverlap(block, target);
  };
  if (!(policy.spec.policyTypes ?? []).includes('Egress')) return true;
  return (policy.spec.egress ?? []).some((rule: Manifest) => {
    const ports: Manifest[] = rule.ports ?? [];
    const portOk =
      ports.length === 0 ||
      ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port));
    const peers: Manifest[] = rule.to ?? [];
    const peerOk =
      peers.length === 0 ||
      peers.some(
        (peer) => peer.ipBlock && inside(peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some(inside),
      );
    return portOk && peerOk;
  });
}
