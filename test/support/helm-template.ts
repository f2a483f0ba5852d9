/** Renders a pinned upstream chart with real helm (`helm template`), as the cluster would receive it. */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { ChartPin } from '../../lib/platform/charts';
import { StackJson } from './synth';
import { goTool } from './tools';
import { pinnedChartDir } from '../../lib/platform/chart-data';

/** Every object `helm template` renders from the pinned chart with `values`, for a cluster of `kubeVersion` (e.g. 1.35). */
export function helmTemplate(
  pin: ChartPin,
  values: StackJson,
  namespace: string,
  kubeVersion = '1.35',
): StackJson[] {
  const dir = mkdtempSync(join(tmpdir(), 'helm-values-'));
  try {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, stringify(values));
    const chart = pinnedChartDir(pin);
    if (!chart)
      throw new Error(`${pin.chart} ${pin.version}: no chart data (npm run charts, or UPSTREAM_CHARTS_DIR)`);
    const out = execFileSync(
      goTool('helm'),
      ['template', 'release', chart, '-n', namespace, '-f', file, '--kube-version', kubeVersion],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return parseAllDocuments(out)
      .map((doc) => doc.toJSON())
      .filter((doc) => doc);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
