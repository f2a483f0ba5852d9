/**
 * The synth's check of the values folder, against the pinned charts' own data: every
 * mistake an operator can make in values/ fails with file, line and key.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { pinnedChartData } from '../../../lib/platform/chart-values';
import { CHARTS } from '../../../lib/platform/charts';
import { VALUES_DIR } from '../../../lib/platform/helm-values';
import { checkValuesFolder } from '../../../lib/platform/values-check';

const charts = Object.fromEntries(Object.values(CHARTS).map((pin) => [pin.chart, pin]));
const environments = ['dev', 'staging', 'prod', 'hackweek'];

/** A copy of values/ with `files` written over it. */
function valuesWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'values-check-'));
  cpSync(VALUES_DIR, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function check(dir: string, chartData = pinnedChartData): string[] {
  return checkValuesFolder({ valuesDir: dir, environments, charts, chartData }).map((p) =>
    p.startsWith(dir) ? p.slice(dir.length + 1) : p,
  );
}

describe('checkValuesFolder', () => {
  it('passes the values folder as shipped, every chart checked against its pinned data', () => {
    expect(Object.values(CHARTS).filter((pin) => !pinnedChartData(pin))).toEqual([]);
    expect(check(VALUES_DIR)).toEqual([]);
  });

  it('names each misspelt key of an overlay with its file and line, also in a chart without a schema', () => {
    const dir = valuesWith({
      'jupyterhub/prod.yaml': 'proxyy:\n  chp: {}\nsingleuser:\n  storagee:\n    capacity: 10Gi\n',
      'cluster-autoscaler/staging.yaml': '# tuned\nimage:\n  tagg: v1\n',
    });
    expect(check(dir)).toEqual([
      'cluster-autoscaler/staging.yaml:3: image.tagg is not a key of the chart (chart cluster-autoscaler 9.59.0)',
      'jupyterhub/prod.yaml:1: proxyy is not a key of the chart (chart jupyterhub 4.4.0)',
      'jupyterhub/prod.yaml:4: singleuser.storagee is not a key of the chart (chart jupyterhub 4.4.0)',
    ]);
  });

  it('names a wrong type by file, line and key, in a short line', () => {
    const dir = valuesWith({ 'jupyterhub/staging.yaml': 'prePuller: {}\nhub: 5\n' });
    expect(check(dir)).toEqual(['jupyterhub/staging.yaml:2: hub must be object (chart jupyterhub 4.4.0)']);
  });

  it('names the file and line of invalid YAML', () => {
    const dir = valuesWith({ 'jupyterhub/dev.yaml': 'hub:\n  resources: [\n' });
    const [problem, ...rest] = check(dir);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^jupyterhub\/dev\.yaml:3: not valid YAML: \S.*$/);
  });

  it('refuses the files the synth would ignore, naming each', () => {
    const dir = valuesWith({
      'jupyterhub/prod.yml': 'hub: {}\n',
      'jupyterhb/prod.yaml': 'hub: {}\n',
      'jupyterhub/moon.yaml': 'hub: {}\n',
      'jupyterhub/notes.txt': 'x\n',
      'jupyterhub/.gitkeep': '',
    });
    expect(check(dir)).toEqual([
      "jupyterhb: not read by the synth; values folders are the charts' names: jupyterhub, cluster-autoscaler, aws-node-termination-handler, aws-efs-csi-driver, nvidia-device-plugin, prometheus, grafana, dcgm-exporter",
      "jupyterhub/moon.yaml: no environment is named 'moon'; overlays are named after one of: dev, staging, prod, hackweek",
      "jupyterhub/notes.txt: not read by the synth; jupyterhub's values are base.yaml and <env>.yaml",
      'jupyterhub/prod.yml: not read by the synth, which reads only .yaml; rename it prod.yaml',
    ]);
  });

  it('still checks the folder layout and the YAML without chart data', () => {
    const dir = valuesWith({ 'jupyterhub/prod.yaml': 'proxyy: {}\n', 'jupyterhub/moon.yaml': 'a: [\n' });
    expect(check(dir, () => undefined)).toEqual([
      "jupyterhub/moon.yaml: no environment is named 'moon'; overlays are named after one of: dev, staging, prod, hackweek",
    ]);
  });
});
