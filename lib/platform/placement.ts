/**
 * Where infrastructure pods run and what they reserve: the core pool, Guaranteed QoS
 * (requests equal limits), system priority classes. Each add-on construct reads its
 * {@link Placement} back from the merged Helm values it hands to helm, so the cross-layer
 * checks compare what is really deployed with the node pools that really exist.
 */
import {
  ACCELERATOR_LABEL,
  NODE_PURPOSE_LABEL,
  NodeTaint,
  poolScheduling,
  tolerationFor,
} from '../node-scheduling';
import { Values, valueAt } from './helm-values';

/** Infrastructure Deployments run on the core pool, away from users' notebooks. */
export const CORE_NODE_SELECTOR: Readonly<Record<string, string>> = { [NODE_PURPOSE_LABEL]: 'core' };

/** Built-in priority classes: Deployments are cluster-critical, per-node DaemonSets node-critical. */
export const CLUSTER_CRITICAL = 'system-cluster-critical';
export const NODE_CRITICAL = 'system-node-critical';

export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * Placement values of an infrastructure Deployment: the core pool, no tolerations, a
 * cluster-critical priority, and `affinity: null`, which makes helm drop any affinity the
 * chart defaults to (a map of ours could only merge into it). Setting every placement key
 * means no chart default decides where the pods go.
 */
export function corePlacementValues() {
  return {
    nodeSelector: { ...CORE_NODE_SELECTOR },
    affinity: null,
    tolerations: [],
    priorityClassName: CLUSTER_CRITICAL,
  };
}

/**
 * Placement values of a DaemonSet that belongs on GPU nodes only (the device plugin, the
 * DCGM exporter): it requires the accelerator label and tolerates exactly the GPU pools'
 * taints, reserves `resources` and runs node-critical. `nodeSelector: null` drops any
 * selector the chart defaults to (node feature discovery labels, which we do not deploy);
 * the list replaces the chart's default tolerations.
 */
export function gpuPlacementValues(resources: ContainerResources) {
  return {
    nodeSelector: null,
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: ACCELERATOR_LABEL, operator: 'Exists' }] }],
        },
      },
    },
    tolerations: poolScheduling('gpu', 'any').taints.map(tolerationFor),
    resources,
    priorityClassName: NODE_CRITICAL,
  };
}

/** Requests equal to limits, so the pod gets Guaranteed QoS and is evicted last. */
export function guaranteed(cpuMillis: number, memoryMiB: number): ContainerResources {
  const amounts = { cpu: `${cpuMillis}m`, memory: `${memoryMiB}Mi` };
  return { requests: { ...amounts }, limits: { ...amounts } };
}

/** A pod toleration as Kubernetes spells it. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect?: string;
}

/** Whether `toleration` lets a pod onto a node with `taint`. */
export function tolerates(toleration: Toleration, taint: NodeTaint): boolean {
  if (toleration.key === undefined) return toleration.operator === 'Exists';
  return (
    toleration.key === taint.key &&
    (toleration.operator === 'Exists' || toleration.value === taint.value) &&
    (toleration.effect === undefined || toleration.effect === taint.effect)
  );
}

/** What a platform component's pods select and tolerate. */
export interface Placement {
  /** Release name, used in error messages. */
  readonly component: string;
  /** Values path of the pod settings, e.g. `controller` (empty for top-level keys). */
  readonly valuesPath: string;
  /** Labels the pods require with these exact values (nodeSelector, or affinity `In` with one value). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Labels the pods require to exist, whatever their value (affinity `Exists`). */
  readonly requiredLabelKeys: readonly string[];
  readonly tolerations: readonly Toleration[];
}

/**
 * The placement that merged values give the pods under `path`: `nodeSelector`,
 * `tolerations`, and the required node affinity of the first selector term.
 */
export function placementOf(component: string, values: Values, path: readonly string[] = []): Placement {
  const nodeSelector = { ...((valueAt(values, [...path, 'nodeSelector']) as Record<string, string>) ?? {}) };
  const requiredLabelKeys: string[] = [];
  const terms = valueAt(values, [
    ...path,
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
    'nodeSelectorTerms',
  ]) as Array<{ matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }> | undefined;
  for (const expression of terms?.[0]?.matchExpressions ?? []) {
    if (expression.operator === 'Exists') requiredLabelKeys.push(expression.key);
    if (expression.operator === 'In' && expression.values?.length === 1)
      nodeSelector[expression.key] = expression.values[0];
  }
  return {
    component,
    valuesPath: path.join('.'),
    nodeSelector,
    requiredLabelKeys,
    tolerations: (valueAt(values, [...path, 'tolerations']) as Toleration[] | undefined) ?? [],
  };
}
