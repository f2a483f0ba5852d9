/**
 * The guard's table of chart kubeVersion minimums against the pinned Chart.yaml files, so a
 * chart bump that raises its kubeVersion cannot leave eks.supported-version behind. Every
 * pinned chart's data is read; a missing chart fails, naming what to run.
 */
import { CHARTS } from '../../../lib/platform/charts';
import { CHART_MIN_KUBERNETES_MINOR } from '../../../tools/policy/rules/eks';
import { chartMetadata } from '../../support/upstream-charts';

/**
 * The lowest 1.<minor> of a lower-bound constraint such as ">=1.28.0-0" or ">= 1.16-0", or a
 * caret range "^1.25.0-0" (any 1.x from 1.25 on).
 */
function lowestMinor(kubeVersion: string): number {
  const match = /^(?:>=\s*|\^)1\.(\d+)(\.\d+)?(-0)?$/.exec(kubeVersion.trim());
  if (!match)
    throw new Error(`kubeVersion ${JSON.stringify(kubeVersion)} is not a plain lower bound; extend the rule`);
  return Number(match[1]);
}

describe.each(Object.entries(CHARTS))('%s chart', (key, pin) => {
  it('has the kubeVersion minimum of its pinned Chart.yaml in the guard', () => {
    const { kubeVersion } = chartMetadata(pin);
    const guard = CHART_MIN_KUBERNETES_MINOR[key as keyof typeof CHARTS];
    expect(guard).toBe(kubeVersion === undefined ? undefined : lowestMinor(kubeVersion));
  });
});
