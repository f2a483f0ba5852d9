/**
 * The monitoring releases as helm renders them from the pinned charts with the values the
 * stacks synthesize: every pod Guaranteed, the agent really in agent mode without rule
 * files, the receiver authenticated, Grafana without anonymous access, the DCGM exporter on
 * GPU nodes only and without the Prometheus operator's ServiceMonitor.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { AGENT_RELEASE, CENTRAL_PROMETHEUS_RELEASE, GRAFANA_RELEASE } from '../../../lib/monitoring/names';
import {
  ACCELERATOR_LABEL,
  GPU_TAINT,
  NODE_POOL_LABEL,
  NODE_PURPOSE_LABEL,
} from '../../../lib/node-scheduling';
import { PROFILE_LABEL } from '../../../lib/jupyterhub/names';
import { grafanaDashboards } from '../../../lib/monitoring/dashboards';
import { prometheusRuleFiles } from '../../../lib/monitoring/rules';
import { ksmLabel } from '../../../lib/monitoring/rules/selectors';
import { MONITORING_SCRAPE_JOBS } from '../../../lib/monitoring/scrape-jobs';
import { CHARTS, ChartPin } from '../../../lib/platform/charts';
import { StackJson, releaseOf, resourcesOf, synthStacks } from '../../support/synth';
import { goTool, systemTool } from '../../support/tools';
import { DEFAULT_KUBERNETES_VERSION } from '../../../lib/versions';
import { requireChartDir } from '../../../lib/platform/chart-data';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

const stacks = synthStacks();
const central = stacks.get('monitoring-platform-central')!;
const hub = stacks.get('hub-platform-prod')!;

/** The single release named `name` in a stack, with its values parsed. */
function namedRelease(stack: StackJson, name: string) {
  const [[, body]] = resourcesOf(stack, 'helm_release').filter(([, r]) => r.name === name);
  return { body, values: parse(body.values[0]) };
}

/** `helm template` of the pinned chart with these values. */
function render(pin: ChartPin, release: string, namespace: string, values: unknown): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'render-'));
  try {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, JSON.stringify(values));
    const out = execFileSync(
      goTool('helm'),
      [
        'template',
        release,
        requireChartDir(pin),
        '-n',
        namespace,
        '-f',
        file,
        '--kube-version',
        DEFAULT_KUBERNETES_VERSION,
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    return parseAllDocuments(out)
      .map((d) => d.toJS() as Manifest)
      .filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Containers (init ones too) whose requests and limits differ or are missing. */
function notGuaranteed(manifests: Manifest[]): string[] {
  return manifests
    .filter((m) => WORKLOADS.includes(m.kind))
    .flatMap((m) => {
      const spec = m.spec.template.spec;
      return [...(spec.initContainers ?? []), ...spec.containers]
        .filter((c: Manifest) => {
          const r = c.resources ?? {};
          return ['cpu', 'memory'].some(
            (k) => r.requests?.[k] === undefined || String(r.requests[k]) !== String(r.limits?.[k]),
          );
        })
        .map((c: Manifest) => `${m.kind}/${m.metadata.name}/${c.name}`);
    });
}

/**
 * promtool's verdict on a rendered prometheus.yml (syntax, types, relabelling; the files it
 * names exist only in the pod). Debian's build leaves out Kubernetes discovery, so those
 * blocks are swapped for a static target first.
 */
function promtoolCheck(text: string, agent: boolean): string {
  const config = parse(text);
  for (const job of [...(config.scrape_configs ?? []), ...(config.alerting?.alertmanagers ?? [])]) {
    if (job.kubernetes_sd_configs) {
      delete job.kubernetes_sd_configs;
      job.static_configs = [{ targets: ['127.0.0.1:1'] }];
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
    return execFileSync(
      systemTool('promtool', 'prometheus'),
      ['check', 'config', '--syntax-only', ...(agent ? ['--agent'] : []), join(dir, 'prometheus.yml')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** amtool's verdict on a rendered alertmanager.yml. */
function amtoolCheck(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'amtool-'));
  try {
    writeFileSync(join(dir, 'alertmanager.yml'), text);
    return execFileSync(
      systemTool('amtool', 'prometheus-alertmanager'),
      ['check-config', join(dir, 'alertmanager.yml')],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const find = (manifests: Manifest[], kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name)!;

describe('the central prometheus release', () => {
  const { values } = namedRelease(central, CENTRAL_PROMETHEUS_RELEASE);
  const manifests = render(CHARTS.prometheus, CENTRAL_PROMETHEUS_RELEASE, 'monitoring', values);

  it('renders only Guaranteed pods: server, reloader, Alertmanager', () => {
    expect(
      manifests
        .filter((m) => WORKLOADS.includes(m.kind))
        .map((m) => m.metadata.name)
        .sort(),
    ).toEqual(['prometheus-alertmanager', 'prometheus-server']);
    expect(notGuaranteed(manifests)).toEqual([]);
  });

  it('serves the receiver behind the web config, with retention and a gp3 volume from config', () => {
    const server = find(manifests, 'Deployment', 'prometheus-server');
    const args: string[] = server.spec.template.spec.containers.find(
      (c: Manifest) => c.name === 'prometheus-server',
    ).args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--web.enable-remote-write-receiver',
        '--web.config.file=/etc/prometheus-web/web.yml',
        '--storage.tsdb.retention.time=400d',
      ]),
    );
    const claim = find(manifests, 'PersistentVolumeClaim', 'prometheus-server');
    expect(claim.spec).toMatchObject({
      storageClassName: 'gp3-retain',
      resources: { requests: { storage: '200Gi' } },
    });
  });

  it('renders a prometheus.yml, rule files and alertmanager.yml that promtool and amtool accept', () => {
    const config = find(manifests, 'ConfigMap', 'prometheus-server').data;
    expect(promtoolCheck(config['prometheus.yml'], false)).toMatch(/SUCCESS/);
    for (const file of parse(config['prometheus.yml']).rule_files) {
      const dir = mkdtempSync(join(tmpdir(), 'rules-'));
      try {
        const path = join(dir, 'rules.yml');
        writeFileSync(path, config[file.replace('/etc/config/', '')]);
        expect(
          execFileSync(systemTool('promtool', 'prometheus'), ['check', 'rules', path], { encoding: 'utf8' }),
        ).toMatch(/SUCCESS/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    expect(
      amtoolCheck(find(manifests, 'ConfigMap', 'prometheus-alertmanager').data['alertmanager.yml']),
    ).toMatch(/SUCCESS/);
  });

  it('reloads through the basic authentication with the password from the Secret, not from the values', () => {
    const spec = find(manifests, 'Deployment', 'prometheus-server').spec.template.spec;
    const reloader = spec.containers.find((c: Manifest) => c.name.endsWith('configmap-reload'));
    expect(reloader.args).toContain(
      '--reload-url=http://grafana:$(PROMETHEUS_READER_PASSWORD)@127.0.0.1:9090/-/reload',
    );
    expect(reloader.env).toEqual([
      {
        name: 'PROMETHEUS_READER_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'prometheus-reader', key: 'password' } },
      },
    ]);
  });

  it("scrapes its own cluster's kubelets for the monitoring volumes, with the service-account token", () => {
    const config = parse(find(manifests, 'ConfigMap', 'prometheus-server').data['prometheus.yml']);
    const job = config.scrape_configs.find((j: Manifest) => j.job_name === MONITORING_SCRAPE_JOBS.kubelet);
    expect(job).toMatchObject({
      scheme: 'https',
      metrics_path: '/metrics',
      kubernetes_sd_configs: [{ role: 'node' }],
      authorization: { credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
    });
    // The disk alert reads what this job scrapes (the promtool tests cover the rule itself).
    const rules = Object.values(prometheusRuleFiles()).join('\n');
    expect(rules).toContain(`kubelet_volume_stats_available_bytes{job="${MONITORING_SCRAPE_JOBS.kubelet}"`);
    const spec = find(manifests, 'Deployment', 'prometheus-server').spec.template.spec;
    expect(spec.automountServiceAccountToken).not.toBe(false);
  });

  it('binds its service account to a cluster role with only node discovery and nodes/metrics', () => {
    const roles = manifests.filter((m) => m.kind === 'ClusterRole');
    const bindings = manifests.filter((m) => m.kind === 'ClusterRoleBinding');
    expect(roles).toHaveLength(1);
    expect(bindings).toHaveLength(1);
    const granted = roles[0].rules.flatMap((r: Manifest) =>
      r.resources.flatMap((res: string) =>
        r.verbs.map((v: string) => `${r.apiGroups.join('|')}/${res}:${v}`),
      ),
    );
    expect(granted.sort()).toEqual(['/nodes/metrics:get', '/nodes:list', '/nodes:watch']);
    expect(roles[0].rules.flatMap((r: Manifest) => r.nonResourceURLs ?? [])).toEqual([]);
    const server = find(manifests, 'Deployment', 'prometheus-server');
    expect(bindings[0].roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: roles[0].metadata.name,
    });
    expect(bindings[0].subjects).toEqual([
      { kind: 'ServiceAccount', name: server.spec.template.spec.serviceAccountName, namespace: 'monitoring' },
    ]);
    expect(find(manifests, 'ServiceAccount', server.spec.template.spec.serviceAccountName)).toBeDefined();
  });

  it('is what the receiver Service selects', () => {
    const [[, receiver]] = resourcesOf(central, 'kubernetes_service_v1');
    const labels = find(manifests, 'Deployment', 'prometheus-server').spec.template.metadata.labels;
    expect(labels).toMatchObject(receiver.spec.selector);
  });

  it('loads the rule files and sends alerts to Alertmanager, whose Slack URL comes from a mounted file', () => {
    const config = find(manifests, 'ConfigMap', 'prometheus-server').data;
    const prometheusYml = parse(config['prometheus.yml']);
    for (const file of prometheusYml.rule_files) {
      const name = file.replace('/etc/config/', '');
      expect(parse(config[name]).groups).toBeDefined();
    }
    expect(prometheusYml.rule_files.length).toBeGreaterThan(0);
    expect(prometheusYml.alerting.alertmanagers).toHaveLength(1);
    const am = parse(find(manifests, 'ConfigMap', 'prometheus-alertmanager').data['alertmanager.yml']);
    const slack = am.receivers.flatMap((r: Manifest) => r.slack_configs ?? []);
    expect(slack.length).toBeGreaterThan(0);
    for (const s of slack)
      expect(s.api_url_file ?? am.global?.slack_api_url_file).toBe('/etc/alertmanager-secrets/url');
    expect(JSON.stringify(am)).not.toMatch(/hooks\.slack\.com/);
  });
});

describe('the metrics agent release (prod)', () => {
  const { values } = namedRelease(hub, AGENT_RELEASE);
  const manifests = render(CHARTS.prometheus, AGENT_RELEASE, 'jupyterhub', values);
  const config = parse(
    find(manifests, 'ConfigMap', 'metrics-agent-prometheus-server').data['prometheus.yml'],
  );

  it('runs Prometheus 3 in agent mode without rule files, which agent mode refuses', () => {
    const server = find(manifests, 'Deployment', 'metrics-agent-prometheus-server');
    const container = server.spec.template.spec.containers.find(
      (c: Manifest) => c.name === 'prometheus-server',
    );
    expect(container.image).toBe(`quay.io/prometheus/prometheus:${CHARTS.prometheus.imageTags.server}`);
    expect(container.args).toContain('--agent');
    expect(config.rule_files).toBeUndefined();
    expect(server.spec.template.metadata.labels).toMatchObject({
      'hub.jupyter.org/network-access-hub': 'true',
    });
  });

  it('renders a prometheus.yml that promtool accepts in agent mode', () => {
    const text = find(manifests, 'ConfigMap', 'metrics-agent-prometheus-server').data['prometheus.yml'];
    expect(promtoolCheck(text, true)).toMatch(/SUCCESS/);
  });

  it('scrapes kube-state-metrics where the chart serves it', () => {
    const job = config.scrape_configs.find((j: Manifest) => j.job_name === 'kube-state-metrics');
    const service = find(manifests, 'Service', 'metrics-agent-kube-state-metrics');
    expect(job.static_configs[0].targets).toEqual([
      `${service.metadata.name}.${service.metadata.namespace}.svc:${service.spec.ports[0].port}`,
    ]);
  });

  it('labels every series and writes over TLS with basic auth to the receiver', () => {
    expect(config.global.external_labels).toEqual({ cluster: 'hub-prod', environment: 'prod' });
    expect(config.remote_write).toEqual([
      {
        url: 'https://metrics.monitoring.example.org/api/v1/write',
        basic_auth: { username: 'prod', password_file: '/etc/metrics-agent/remote-write/password' },
        tls_config: { min_version: 'TLS12' },
      },
    ]);
  });

  it('exports every pod and node label the rules and dashboards read, the profile label among them', () => {
    const ksm = find(manifests, 'Deployment', 'metrics-agent-kube-state-metrics');
    const args: string[] = ksm.spec.template.spec.containers[0].args;
    const flag = args.find((a) => a.startsWith('--metric-labels-allowlist='));
    expect(flag).toBeDefined();
    // kube-state-metrics' format: kind=[label,label],kind=[...]
    const allowed = new Map<string, string[]>(
      [...flag!.slice('--metric-labels-allowlist='.length).matchAll(/(\w+)=\[([^\]]*)\]/g)].map((m) => [
        m[1],
        m[2].split(','),
      ]),
    );
    // The label the hub's profiles put on user pods, and the node labels the pools carry.
    expect(allowed.get('pods')).toEqual(expect.arrayContaining([PROFILE_LABEL, 'hub.jupyter.org/username']));
    expect(allowed.get('nodes')).toEqual(expect.arrayContaining([NODE_POOL_LABEL, NODE_PURPOSE_LABEL]));
    // Every label_* a rule or a panel reads is one kube-state-metrics exports.
    const exported = new Set([...allowed.values()].flat().map(ksmLabel));
    const texts = [
      ...Object.values(prometheusRuleFiles()),
      ...Object.values(grafanaDashboards()).map((d) => JSON.stringify(d)),
    ];
    const read = new Set(texts.flatMap((t) => [...t.matchAll(/\blabel_[a-z0-9_]+/g)].map((m) => m[0])));
    read.delete('label_replace');
    read.delete('label_values');
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((label) => !exported.has(label))).toEqual([]);
  });

  it("keeps the DCGM exporter's pod and namespace labels, which name who holds each GPU", () => {
    const job = config.scrape_configs.find((j: Manifest) => j.job_name === 'dcgm-exporter');
    expect(job.honor_labels).toBe(true);
    // No target label of its own that could stand in for a GPU's holder.
    const targets = job.relabel_configs.map((r: Manifest) => r.target_label).filter(Boolean);
    expect(targets).not.toContain('pod');
    expect(targets).not.toContain('namespace');
  });

  it('runs node-exporter with the NFS mount statistics collector, seeing the host mounts', () => {
    const ds = find(manifests, 'DaemonSet', 'metrics-agent-prometheus-node-exporter').spec.template.spec;
    const container = ds.containers.find((c: Manifest) => c.name === 'node-exporter');
    expect(container.args).toContain('--collector.mountstats');
    // The kubelet mounts EFS volumes below the host root; they reach the container only
    // through the host-root mount with HostToContainer propagation.
    expect(container.args).toContain('--path.rootfs=/host/root');
    const root = container.volumeMounts.find((m: Manifest) => m.mountPath === '/host/root');
    expect(root.mountPropagation).toBe('HostToContainer');
    expect(ds.volumes.find((v: Manifest) => v.name === root.name).hostPath.path).toBe('/');
  });

  it('keeps the user name label and annotation in kube-state-metrics, and every pod Guaranteed', () => {
    const ksm = find(manifests, 'Deployment', 'metrics-agent-kube-state-metrics');
    const args: string[] = ksm.spec.template.spec.containers[0].args;
    expect(args).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^--metric-labels-allowlist=.*pods=\[[^\]]*hub\.jupyter\.org\/username/),
        expect.stringMatching(/^--metric-annotations-allowlist=pods=\[hub\.jupyter\.org\/username\]/),
      ]),
    );
    expect(notGuaranteed(manifests)).toEqual([]);
  });
});

describe('grafana', () => {
  const { values } = namedRelease(central, GRAFANA_RELEASE);
  const manifests = render(CHARTS.grafana, GRAFANA_RELEASE, 'monitoring', values);

  it('has no anonymous access, no login form and no admin password in the values', () => {
    const ini = find(manifests, 'ConfigMap', 'grafana').data['grafana.ini'];
    expect(ini).toMatch(/\[auth\.anonymous\]\nenabled = false/);
    expect(ini).toMatch(/\[auth\]\ndisable_login_form = true/);
    expect(ini).toMatch(/role_attribute_strict = true/);
    expect(values.adminPassword).toBeUndefined();
    expect(notGuaranteed(manifests)).toEqual([]);
  });

  it('provisions the central Prometheus and CloudWatch, and runs as the CloudWatch role', () => {
    const ds = parse(find(manifests, 'ConfigMap', 'grafana').data['datasources.yaml']).datasources;
    expect(ds.map((d: Manifest) => d.type)).toEqual(['prometheus', 'cloudwatch']);
    expect(ds[0]).toMatchObject({ url: 'http://prometheus-server.monitoring.svc:80', basicAuth: true });
    // The dashboards' CloudWatch panels (EFS's I/O limit) name this datasource.
    const cloudWatchPanels = Object.values(grafanaDashboards()).flatMap((d) =>
      (d.panels as Manifest[]).filter((p) => p.datasource?.type === 'cloudwatch'),
    );
    expect(cloudWatchPanels.length).toBeGreaterThan(0);
    for (const panel of cloudWatchPanels) expect(panel.datasource.uid).toBe(ds[1].uid);
    const sa = find(manifests, 'ServiceAccount', 'grafana');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/grafana-cloudwatch/);
  });

  it('lands the keys the chart reads but values.yaml only comments out: storage class, priority class', () => {
    expect(values.persistence.storageClassName).toBe('gp3-retain');
    expect(find(manifests, 'PersistentVolumeClaim', 'grafana').spec.storageClassName).toBe('gp3-retain');
    expect(values.priorityClassName).toEqual(expect.any(String));
    expect(find(manifests, 'Deployment', 'grafana').spec.template.spec.priorityClassName).toBe(
      values.priorityClassName,
    );
  });
});

describe('the DCGM exporter (prod has GPU pools)', () => {
  const { values } = releaseOf(hub, CHARTS.dcgmExporter.chart);
  const manifests = render(CHARTS.dcgmExporter, 'dcgm-exporter', 'kube-system', values);

  it('runs on GPU nodes only, tolerating their taints, without a ServiceMonitor', () => {
    expect(manifests.map((m) => m.kind)).not.toContain('ServiceMonitor');
    const ds = manifests.find((m) => m.kind === 'DaemonSet')!.spec.template.spec;
    expect(ds.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual(
      [{ matchExpressions: [{ key: ACCELERATOR_LABEL, operator: 'Exists' }] }],
    );
    expect(ds.tolerations).toContainEqual(
      expect.objectContaining({ key: GPU_TAINT.key, effect: GPU_TAINT.effect }),
    );
    expect(notGuaranteed(manifests)).toEqual([]);
  });

  it("maps each GPU to the pod holding it, through the kubelet's pod-resources socket", () => {
    const ds = manifests.find((m) => m.kind === 'DaemonSet')!.spec.template.spec;
    const exporter = ds.containers.find((c: Manifest) => c.name === 'exporter');
    expect(exporter.env).toContainEqual({ name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' });
    const mount = exporter.volumeMounts.find(
      (m: Manifest) => m.mountPath === '/var/lib/kubelet/pod-resources',
    );
    expect(mount).toBeDefined();
    // The kubelet's own path on the EKS AMIs.
    expect(ds.volumes.find((v: Manifest) => v.name === mount.name).hostPath.path).toBe(
      '/var/lib/kubelet/pod-resources',
    );
  });
});
