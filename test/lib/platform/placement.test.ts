import { PoolKind, poolScheduling } from '../../../lib/node-scheduling';
import { gpuPlacementValues, guaranteed, placementOf, tolerates } from '../../../lib/platform/placement';

/** Whether pods with `values` can run on a node of a pool of `kind`. */
function fits(values: ReturnType<typeof gpuPlacementValues>, kind: PoolKind): boolean {
  const placement = placementOf('probe', values);
  const { labels, taints } = poolScheduling(kind, `a-${kind}-pool`, 'nvidia-l4');
  return (
    Object.entries(placement.nodeSelector).every(([key, value]) => labels[key] === value) &&
    placement.requiredLabelKeys.every((key) => key in labels) &&
    taints.every((taint) => placement.tolerations.some((t) => tolerates(t, taint)))
  );
}

describe('gpuPlacementValues', () => {
  const values = gpuPlacementValues(guaranteed(50, 64));

  it('lands on GPU pools only, whatever their accelerator', () => {
    expect(fits(values, 'gpu')).toBe(true);
    expect(fits(values, 'user')).toBe(false);
    expect(fits(values, 'core')).toBe(false);
  });

  it('tolerates no taint a GPU node does not carry', () => {
    const gpuTaints = poolScheduling('gpu', 'any').taints;
    for (const toleration of placementOf('probe', values).tolerations) {
      expect(gpuTaints.some((taint) => tolerates(toleration, taint))).toBe(true);
    }
    expect(values.tolerations).toHaveLength(gpuTaints.length);
  });

  it('drops the chart default selector, reserves what it is given and runs node-critical', () => {
    expect(values.nodeSelector).toBeNull();
    expect(values.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '50m', memory: '64Mi' },
    });
    expect(values.priorityClassName).toBe('system-node-critical');
  });
});
