/** The offline chart checks must catch what helm would silently ignore: unknown keys. */
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { requireChartDir } from '../../lib/platform/chart-data';
import { CHARTS } from '../../lib/platform/charts';
import { isMap } from '../../lib/platform/helm-values';
import { FREE_FORM_PATHS, chartDefaults, unknownKeyPaths } from './upstream-charts';

describe('unknownKeyPaths', () => {
  const autoscaler = CHARTS.clusterAutoscaler;

  it('accepts keys of the chart at every depth', () => {
    expect(
      unknownKeyPaths(autoscaler, {
        awsRegion: 'us-west-2',
        image: { tag: 'v1.35.1' },
        rbac: { serviceAccount: { create: true, name: 'cluster-autoscaler' } },
      }),
    ).toEqual([]);
  });

  it('reports a misspelt key, also under a nested map', () => {
    expect(unknownKeyPaths(autoscaler, { awsRegoin: 'x', image: { tags: 'v1' } })).toEqual([
      'awsRegoin',
      'image.tags',
    ]);
  });

  it('allows anything under a free-form path, matched by whole segments only', () => {
    expect(
      unknownKeyPaths(autoscaler, {
        extraArgs: { 'any-flag': true },
        nodeSelector: { 'example.org/any': 'label' },
        affinity: { nodeAffinity: { anything: [] } },
        rbac: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn' } } },
        extraArgsX: { 'any-flag': true },
        rbac2: { serviceAccount: { annotations: {} } },
      }),
    ).toEqual(['extraArgsX', 'rbac2']);
  });

  it('checks keys under a map the chart leaves empty unless the path is listed as free-form', () => {
    // securityContext: {} in the chart, not free-form for us.
    expect(unknownKeyPaths(autoscaler, { securityContext: { runAsUser: 1000 } })).toEqual([
      'securityContext.runAsUser',
    ]);
  });

  it('takes only {requests,limits}.{cpu,memory} under resources, which the chart leaves empty', () => {
    expect(
      unknownKeyPaths(autoscaler, {
        resources: {
          requests: { cpu: '100m', memory: '600Mi', cpus: '1' },
          limits: { cpu: '100m', memroy: '600Mi' },
          request: { cpu: '1' },
        },
      }),
    ).toEqual(['resources.requests.cpus', 'resources.limits.memroy', 'resources.request']);
    expect(
      unknownKeyPaths(CHARTS.efsCsiDriver, {
        sidecars: { csiProvisioner: { resources: { limits: { cpu: '1', memory: '1Gi' }, limit: {} } } },
      }),
    ).toEqual(['sidecars.csiProvisioner.resources.limit']);
  });

  it('reports keys under a value the chart does not define as a map', () => {
    expect(unknownKeyPaths(autoscaler, { awsRegion: { name: 'us-west-2' } })).toEqual(['awsRegion.name']);
  });

  it('checks the device plugin like the others, with its named configs free-form', () => {
    expect(
      unknownKeyPaths(CHARTS.nvidiaDevicePlugin, {
        gfd: { enabled: false, enabeld: true },
        config: { map: { default: 'version: v1' }, default: 'default', defualt: 'x' },
        failOnInitError: true,
      }),
    ).toEqual(['gfd.enabeld', 'config.defualt']);
  });

  it("takes a listed path's segments literally, so grafana.ini is free-form and grafana.ini's sibling names are not", () => {
    expect(
      unknownKeyPaths(CHARTS.grafana, {
        'grafana.ini': { server: { root_url: 'https://x' }, 'auth.github': { enabled: true } },
        'grafana.inii': { server: {} },
        grafana: { ini: { server: {} } },
        persistence: { storageClassName: 'gp3', storageClassNamee: 'gp3' },
        serviceAccount: { annotations: { a: 'b' }, annotationss: {} },
      }),
    ).toEqual(['grafana.inii', 'grafana', 'persistence.storageClassNamee', 'serviceAccount.annotationss']);
  });

  it.each([CHARTS.grafana, CHARTS.dcgmExporter])(
    "lists for $chart only the chart's maps and lists and the keys its templates read",
    (pin) => {
      const dir = requireChartDir(pin);
      const templates = (sub: string): string =>
        readdirSync(join(dir, sub), { withFileTypes: true })
          .map((e) =>
            e.isDirectory() ? templates(join(sub, e.name)) : readFileSync(join(dir, sub, e.name), 'utf8'),
          )
          .join('\n');
      const text = templates('templates');
      const defaults = chartDefaults(pin);
      const notJustified = FREE_FORM_PATHS[pin.chart].filter((entry) => {
        const segments = typeof entry === 'string' ? entry.split('.') : entry;
        const value = segments.reduce<unknown>((at, key) => (isMap(at) ? at[key] : undefined), defaults);
        // A map or list the chart ships (a free-form default such as {}) ...
        if (isMap(value) || Array.isArray(value)) return false;
        // ... or a key only its templates know: commented out in values.yaml, read as .Values.<path>.
        const reference = segments.every((s) => /^\w+$/.test(s))
          ? `.Values.${segments.join('.')}`
          : `index .Values ${segments.map((s) => JSON.stringify(s)).join(' ')}`;
        return value !== undefined || !text.includes(reference);
      });
      expect(notJustified).toEqual([]);
    },
  );
});
