/**
 * The cross-layer checks between monitoring and the hubs, on the wiring of the real
 * configuration (built stacks), then on one mutation of it per check.
 */
import { App } from 'cdktf';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS, MONITORING } from '../../../config';
import { loadConfig } from '../../../config/load';
import { MonitoringWiring, checkMonitoringWiring } from '../../../lib/monitoring/wiring-checks';
import { buildStacks, monitoringWiring } from '../../../stacks/build';
import { configProblems } from '../../support/synth';

const config = loadConfig(ENVIRONMENTS, MONITORING);

function realWiring(): MonitoringWiring {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'wiring-')) });
  const hubs = buildStacks(app, config.environments, config.monitoring);
  const [monitoring] = config.monitoring;
  const platform = app.node.findChild(`monitoring-platform-${monitoring.name}`);
  const cluster = app.node.findChild(`monitoring-cluster-${monitoring.name}`);
  return monitoringWiring(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    { cluster: cluster as any, platform: platform as any },
    config.environments
      .filter((env) => monitoring.environments.includes(env.name))
      .map((env) => ({ env, stacks: hubs.get(env.name)! })),
  );
}

const wiring = realWiring();
const clone = (): MonitoringWiring => structuredClone(wiring) as MonitoringWiring;

describe('monitoring wiring', () => {
  it('holds for the configured environments: every reporting hub has an agent, routes and admission', () => {
    expect(wiring.hubs.map((h) => h.environment)).toEqual(['staging', 'prod', 'hackweek']);
    expect(wiring.hubs.every((h) => h.agentValues && (h.routes ?? []).length > 0)).toBe(true);
    expect(checkMonitoringWiring(wiring)).toEqual([]);
  });

  it('fails when an agent writes somewhere the receiver does not serve', () => {
    const w = clone();
    const files = (
      w.hubs[1].agentValues as { serverFiles: Record<string, { remote_write: Array<{ url: string }> }> }
    ).serverFiles;
    files['prometheus.yml'].remote_write[0].url = 'https://metrics.elsewhere.example.org/api/v1/write';
    expect(checkMonitoringWiring(w)).toEqual([
      'prod: metrics agent writes to ["https://metrics.elsewhere.example.org/api/v1/write"], but monitoring central\'s receiver serves https://metrics.monitoring.example.org/api/v1/write',
    ]);
  });

  it('fails when two agents give their series the same environment label', () => {
    const w = clone();
    const labels = (i: number) =>
      (w.hubs[i].agentValues as { server: { global: { external_labels: Record<string, string> } } }).server
        .global.external_labels;
    labels(2).environment = 'prod';
    expect(checkMonitoringWiring(w)).toEqual([
      'hackweek: metrics agent labels its series environment="prod", not "hackweek"',
    ]);
  });

  it('fails when VPCs that route to each other overlap', () => {
    const w = { ...clone(), vpcCidr: '10.30.0.0/16' };
    expect(checkMonitoringWiring(w)).toContain(
      "prod: VPC 10.30.0.0/16 overlaps monitoring central's 10.30.0.0/16, and they route to each other",
    );
  });

  it('fails when a reporting environment has no route or is not admitted by the receiver', () => {
    const w = clone();
    const hubs = w.hubs.map((h) => (h.environment === 'staging' ? { ...h, routes: [] } : h));
    expect(
      checkMonitoringWiring({
        ...w,
        hubs,
        admittedCidrs: w.admittedCidrs.filter((c) => c !== '10.40.0.0/16'),
      }),
    ).toEqual([
      "staging: no route from its VPC to monitoring central's 10.100.0.0/16",
      "staging: no route from monitoring central's VPC back to 10.20.0.0/16",
      "hackweek: monitoring central's receiver does not admit its VPC 10.40.0.0/16",
    ]);
  });
});

describe('monitoring config', () => {
  const base = MONITORING.central;
  const problems = (input: unknown) => configProblems(() => loadConfig(ENVIRONMENTS, { central: input }));

  it('rejects a monitoring VPC that overlaps a hub environment', () => {
    expect(problems({ ...base, network: { vpcCidr: '10.30.0.0/16' } })).toContain(
      "monitoring.central.network.vpcCidr: 10.30.0.0/16 overlaps prod's 10.30.0.0/16; the monitoring VPC is peered with the hub VPCs and needs a range of its own",
    );
  });

  it('rejects an environment that does not exist, or is in another region', () => {
    expect(problems({ ...base, environments: ['prod', 'nope'] })).toEqual([
      "monitoring.central.environments.1: 'nope' is not an environment; known: dev, staging, prod, hackweek",
    ]);
    expect(
      problems({
        ...base,
        region: 'us-east-1',
        network: { vpcCidr: '10.100.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      }),
    ).toContain(
      "monitoring.central.environments.0: 'staging' is in us-west-2, monitoring in us-east-1; peering is set up within one region",
    );
  });

  it('needs the 12-digit account it deploys to', () => {
    expect(problems({ ...base, account: '1234' })).toEqual([
      'monitoring.central.account: must be a 12-digit AWS account id (received "1234")',
    ]);
    const { account, ...unpinned } = base;
    expect(account).toMatch(/^\d{12}$/);
    expect(problems(unpinned)).toEqual([
      'monitoring.central.account: must be a 12-digit AWS account id, as a string',
    ]);
    expect(problems({ ...base, account: 123456789012 })).toEqual([
      'monitoring.central.account: must be a 12-digit AWS account id, as a string (received 123456789012)',
    ]);
  });

  it('rejects a reporting environment in another account', () => {
    expect(problems({ ...base, account: '210987654321', environments: ['staging', 'prod'] })).toEqual([
      "monitoring.central.environments.0: 'staging' is in account 123456789012, monitoring in 210987654321; peering, the alarm topic and Grafana's CloudWatch role work within one account",
      "monitoring.central.environments.1: 'prod' is in account 123456789012, monitoring in 210987654321; peering, the alarm topic and Grafana's CloudWatch role work within one account",
    ]);
  });

  it('rejects a Grafana name outside its zone, and a receiver sharing Grafana’s name', () => {
    expect(
      problems({
        ...base,
        grafana: {
          ...base.grafana,
          domain: { name: 'grafana.other.org', hostedZone: 'monitoring.example.org' },
        },
      }),
    ).toEqual([
      "monitoring.central.grafana.domain.name: 'grafana.other.org' is not inside the zone 'monitoring.example.org'; the certificate is validated and the record written there",
    ]);
    expect(problems({ ...base, receiver: { ...base.receiver, domain: base.grafana.domain } })).toEqual([
      "monitoring.central.receiver.domain.name: 'grafana.monitoring.example.org' is also Grafana's name; the receiver needs a name of its own",
    ]);
  });

  it('takes a runbook URL only as https, without a section', () => {
    const alertmanager = (runbookUrl: string) => ({
      ...base,
      alertmanager: { ...base.alertmanager, runbookUrl },
    });
    expect(problems(alertmanager('http://git.example.org/hub/docs/runbook.md'))).toEqual([
      expect.stringMatching(
        /^monitoring\.central\.alertmanager\.runbookUrl: .*must be an https URL of docs\/runbook\.md/,
      ),
    ]);
    expect(problems(alertmanager('https://git.example.org/hub/docs/runbook.md#alerts'))).toEqual([
      expect.stringMatching(/^monitoring\.central\.alertmanager\.runbookUrl: .*must not contain #/),
    ]);
    const { monitoring } = loadConfig(ENVIRONMENTS, {
      central: alertmanager('https://git.example.org/hub/docs/runbook.md'),
    });
    expect(monitoring[0].alertmanager.runbookUrl).toBe('https://git.example.org/hub/docs/runbook.md');
  });

  it('rejects an environment reporting to two deployments', () => {
    const other = { ...base, name: 'other', network: { vpcCidr: '10.110.0.0/16' }, environments: ['prod'] };
    expect(configProblems(() => loadConfig(ENVIRONMENTS, { central: base, other }))).toEqual([
      "monitoring.other.environments: 'prod' already reports to central; an environment reports to one place",
    ]);
  });

  it('leaves dev reporting nowhere: no peering, no agent', () => {
    expect(config.monitoring[0].environments).not.toContain('dev');
  });
});
