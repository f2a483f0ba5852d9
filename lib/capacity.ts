/**
 * What a node of the EKS AL2023 AMI can give users, and how many users of a given
 * guarantee fit on it. Pure arithmetic, from the memory the operating system really has
 * (lib/instance-types.ts, with its source) and the AMI's kubelet defaults:
 *
 * - max pods from the ENI limits: ENIs x (IPv4 per ENI - 1) + 2;
 * - kube-reserved memory: 11 MiB x max pods + 255 MiB;
 * - kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of cores 3 and 4,
 *   0.25% of every core after that;
 * - a hard eviction threshold of 100 MiB of memory;
 * - minus the requests of the DaemonSets we run on every node, the EFS node plugin at the
 *   size the environment gives it (it grows with the servers per node).
 */
import { DaemonSetRequests, NODE_DAEMONSETS } from './daemonsets';
import { InstanceTypeSpec, instanceTypeSpec } from './instance-types';
import { memoryMiB } from './quantities';

const EVICTION_HARD_MIB = 100;

export interface NodeCapacity {
  readonly instanceType: string;
  readonly maxPods: number;
  /** Allocatable CPU left for user pods, in millicores. */
  readonly cpuMillis: number;
  /** Allocatable memory left for user pods, in MiB. */
  readonly memoryMiB: number;
  /** Pods left for users once the DaemonSets have theirs. */
  readonly pods: number;
  readonly gpus: number;
}

/** A user's guaranteed share: CPU in cores, memory as KubeSpawner reads it (`7G` = 7 GiB). */
export interface Guarantee {
  readonly cpu: number;
  readonly memory: string;
  /** @default 0 */
  readonly gpus?: number;
}

export function maxPods(spec: InstanceTypeSpec): number {
  return spec.enis * (spec.ipv4PerEni - 1) + 2;
}

/** kube-reserved CPU in millicores for a node with `vcpus` cores. */
export function reservedCpuMillis(vcpus: number): number {
  const tiers: Array<[cores: number, fraction: number]> = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ];
  let remaining = vcpus;
  let reserved = 0;
  for (const [cores, fraction] of tiers) {
    const inTier = Math.min(remaining, cores);
    reserved += inTier * 1000 * fraction;
    remaining -= inTier;
  }
  return reserved;
}

export function reservedMemoryMiB(pods: number): number {
  return 11 * pods + 255;
}

/** What one node of `instanceType` leaves for user pods, with the EFS node plugin at `efsNode`. */
export function nodeCapacity(instanceType: string, efsNode: DaemonSetRequests): NodeCapacity {
  const spec = instanceTypeSpec(instanceType);
  const pods = maxPods(spec);
  const daemonsets = [...NODE_DAEMONSETS, efsNode].filter((ds) => !ds.gpuOnly || spec.gpus > 0);
  const sum = (pick: (ds: (typeof daemonsets)[number]) => number) =>
    daemonsets.reduce((total, ds) => total + pick(ds), 0);
  return {
    instanceType,
    maxPods: pods,
    cpuMillis: spec.vcpus * 1000 - reservedCpuMillis(spec.vcpus) - sum((ds) => ds.cpuMillis),
    memoryMiB: spec.osMemoryMiB - reservedMemoryMiB(pods) - EVICTION_HARD_MIB - sum((ds) => ds.memoryMiB),
    pods: pods - daemonsets.length,
    gpus: spec.gpus,
  };
}

/** How many users with `guarantee` the scheduler can place on one node of `instanceType`. */
export function usersPerNode(instanceType: string, guarantee: Guarantee, efsNode: DaemonSetRequests): number {
  const node = nodeCapacity(instanceType, efsNode);
  const limits = [
    Math.floor(node.cpuMillis / Math.round(guarantee.cpu * 1000)),
    Math.floor(node.memoryMiB / memoryMiB(guarantee.memory)),
    node.pods,
  ];
  if (guarantee.gpus) {
    limits.push(Math.floor(node.gpus / guarantee.gpus));
  }
  return Math.max(0, Math.min(...limits));
}

/** Nodes of `instanceType` needed to host `users` users with `guarantee`; Infinity if none fit. */
export function nodesForUsers(
  users: number,
  instanceType: string,
  guarantee: Guarantee,
  efsNode: DaemonSetRequests,
): number {
  const perNode = usersPerNode(instanceType, guarantee, efsNode);
  return perNode === 0 ? Infinity : Math.ceil(users / perNode);
}
