/**
 * The project's rules and dashboards on a real Prometheus (Debian's 2.42) scraping a real
 * JupyterHub 5.5 and its configurable-http-proxy on loopback while hub-stress starts and
 * stops servers: every recording rule on hub-side metrics returns data, the spawn-latency
 * SLI agrees with what hub-stress measured, every hub-side dashboard panel returns data,
 * and stopping the hub makes JupyterHubDown pending, then firing.
 *
 * Test profile: scrape and rule evaluation every 2 s (production: the agents' and the
 * central Prometheus' own intervals), and JupyterHubDown's `for` shortened from 2m to 10s
 * through prometheusRuleFiles({ alertFor }). The `environment` and `cluster` labels, which
 * the hub clusters' agents add as external labels on remote write, are target labels here.
 * Run with `bash .ci/e2e-hub.sh test/e2e/observability`.
 */
import { grafanaDashboards } from '../../../lib/monitoring/dashboards';
import { allRecordingRules, prometheusRuleFiles, RULE_FILES } from '../../../lib/monitoring/rules';
import { SCRAPE_JOBS } from '../../../lib/monitoring/scrape-jobs';
import { dashboardQueries, substituteVariables } from '../../lib/monitoring/dashboard-queries';
import { TestHub } from '../support/jupyterhub';
import { TestPrometheus } from '../support/prometheus';
import { runTool } from '../support/run-tool';

const ENVIRONMENT = 'e2e';
const SERIES_LABELS = { environment: ENVIRONMENT, cluster: 'e2e-hub' };
/** The test profile's wait before JupyterHubDown fires (production: 2m). */
const HUB_DOWN_FOR_S = 10;

let hub: TestHub;
let prom: TestPrometheus;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  hub = await TestHub.start({
    concurrentSpawnLimit: 3,
    proxyMetrics: true,
    services: [{ name: 'prometheus', scopes: ['read:metrics'] }],
  });
  const hubTarget = new URL(hub.metricsUrl);
  const proxyTarget = new URL(hub.proxyMetricsUrl);
  prom = await TestPrometheus.start({
    config: {
      global: { scrape_interval: '2s', evaluation_interval: '2s' },
      scrape_configs: [
        {
          job_name: SCRAPE_JOBS.hub,
          metrics_path: hubTarget.pathname,
          authorization: { type: 'Bearer', credentials_file: 'hub-token' },
          static_configs: [{ targets: [hubTarget.host], labels: SERIES_LABELS }],
        },
        {
          job_name: SCRAPE_JOBS.proxy,
          metrics_path: proxyTarget.pathname,
          static_configs: [{ targets: [proxyTarget.host], labels: SERIES_LABELS }],
        },
      ],
    },
    files: { 'hub-token': hub.serviceToken('prometheus') },
    ruleFiles: prometheusRuleFiles({ alertFor: { JupyterHubDown: `${HUB_DOWN_FOR_S}s` } }),
  });
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await hub?.stop();
});

/** Polls until `check` returns a value; bounded, so a broken run fails instead of hanging. */
async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}\n${prom.logTail(10)}`);
}

// --- which rules and panels read hub-side metrics (the hub's and the proxy's) only ---
const HUB_JOBS = new Set<string>([SCRAPE_JOBS.hub, SCRAPE_JOBS.proxy]);
const jobsIn = (expr: string): string[] =>
  [...expr.matchAll(/\bjob(=~|=)"([^"]*)"/g)].flatMap((m) => (m[1] === '=~' ? m[2].split('|') : [m[2]]));
const recordedIn = (expr: string): string[] =>
  [...expr.matchAll(/[a-z_]+:[a-zA-Z0-9_]+:[a-z0-9_]+/g)].map((m) => m[0]);
const rulesByName = new Map(allRecordingRules().map((r) => [r.record, r]));
/** `count by (...) (up)` and the like: every target's `up`, the hub's among them. */
const OVER_ALL_UP = /^\w+ by \([^)]*\) \(up\)$/;

function hubSide(expr: string, self?: string): boolean {
  const jobs = jobsIn(expr);
  const recs = recordedIn(expr).filter((r) => r !== self);
  if (jobs.some((j) => !HUB_JOBS.has(j))) return false;
  if (recs.some((r) => !rulesByName.has(r) || !hubSide(rulesByName.get(r)!.expr, r))) return false;
  return jobs.length > 0 || recs.length > 0 || OVER_ALL_UP.test(expr.trim());
}

const hubSideRules = allRecordingRules().filter((r) => hubSide(r.expr, r.record));

describe('on a real Prometheus scraping a real JupyterHub', () => {
  it('loads every rule file and evaluates every rule without error', async () => {
    const groups = await eventually(async () => {
      const g = await prom.ruleGroups();
      return g.length === RULE_FILES.flatMap((f) => f.groups).length ? g : undefined;
    }, 'rule groups');
    await sleep(5_000);
    const broken = (await prom.ruleGroups()).flatMap((g) => g.rules).filter((r) => r.health === 'err');
    expect(broken).toEqual([]);
    expect(groups.flatMap((g) => g.rules)).toHaveLength(
      RULE_FILES.flatMap((f) => f.groups.flatMap((g) => g.rules)).length,
    );
  });

  let spawnP50Ms = 0;

  it('hub-stress starts and stops servers', async () => {
    const run = await runTool(
      ['stress', '--prefix', 'e2e-obs', '--count', '6', '--batch-size', '3', '--json'],
      {
        JUPYTERHUB_API_URL: hub.apiUrl,
        JUPYTERHUB_API_TOKEN: hub.token,
      },
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { serversReady: number; spawnLatencyMs: { p50: number } };
    expect(report.serversReady).toBe(6);
    spawnP50Ms = report.spawnLatencyMs.p50;
    expect(await hub.successfulSpawns()).toBe(6);
  });

  it('every recording rule on hub-side metrics returns data', async () => {
    // the hub's own, the proxy's, and those built on them; not the cluster's
    expect(hubSideRules.length).toBeGreaterThanOrEqual(20);
    console.info(`hub-side recording rules: ${hubSideRules.map((r) => r.record).join(', ')}`);
    const empty: string[] = [];
    for (const rule of hubSideRules) {
      const found = await eventually(
        async () =>
          (await prom.query(`${rule.record}{environment="${ENVIRONMENT}"}`)).length > 0 ? true : undefined,
        rule.record,
        30_000,
      ).catch(() => false);
      if (!found) empty.push(rule.record);
    }
    expect(empty).toEqual([]);
  });

  it("the spawn-latency SLI agrees with hub-stress's measurement, to the histogram's resolution", async () => {
    const [sample] = await prom.query(
      `environment:jupyterhub_server_spawn_duration_seconds:p50_rate30m{environment="${ENVIRONMENT}"}`,
    );
    const sli = Number(sample.value[1]);
    const measured = spawnP50Ms / 1000;
    // JupyterHub's spawn histogram buckets (jupyterhub/metrics.py): a quantile is only
    // known to within its bucket, and hub-stress measures from the client, so a median in
    // the same or a neighbouring bucket agrees.
    const buckets = [0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 180, 300, 600, Infinity];
    const bucketOf = (s: number) => buckets.findIndex((le) => s <= le);
    console.info(`spawn p50: SLI ${sli.toFixed(2)} s, hub-stress ${measured.toFixed(2)} s`);
    const bucketsApart = Math.abs(bucketOf(sli) - bucketOf(measured));
    expect({ sli, measured, bucketsApart: bucketsApart <= 1 }).toEqual({ sli, measured, bucketsApart: true });
    // and the SLI counted the six successful starts
    const [count] = await prom.query(
      `environment_status:jupyterhub_server_spawn_duration_seconds_count:increase30m{environment="${ENVIRONMENT}", status="success"}`,
    );
    expect(Number(count.value[1])).toBeGreaterThanOrEqual(5.5);
  });

  it('every hub-side dashboard panel returns data', async () => {
    const queries = Object.values(grafanaDashboards())
      .flatMap(dashboardQueries)
      .filter((q) => hubSide(q.expr));
    expect(queries.length).toBeGreaterThanOrEqual(15);
    console.info(`hub-side dashboard queries: ${queries.length}`);
    const empty: string[] = [];
    for (const q of queries) {
      const result = await prom.query(substituteVariables(q.expr, ENVIRONMENT));
      if (result.length === 0) empty.push(`${q.dashboard} / ${q.panel}: ${q.expr}`);
    }
    expect(empty).toEqual([]);
  });

  it('stopping the hub makes JupyterHubDown pending, then firing', async () => {
    const hubDown = async () => (await prom.alerts()).find((a) => a.labels.alertname === 'JupyterHubDown');
    expect(await hubDown()).toBeUndefined();
    await hub.killHub();
    const pending = await eventually(
      async () => {
        const a = await hubDown();
        return a?.state === 'pending' ? a : undefined;
      },
      'JupyterHubDown pending',
      30_000,
    );
    const pendingAt = Date.now();
    const firing = await eventually(
      async () => {
        const a = await hubDown();
        return a?.state === 'firing' ? a : undefined;
      },
      'JupyterHubDown firing',
      60_000,
    );
    expect(Date.now() - pendingAt).toBeGreaterThanOrEqual((HUB_DOWN_FOR_S - 4) * 1000);
    for (const alert of [pending, firing]) {
      expect(alert.labels).toMatchObject({ severity: 'critical', environment: ENVIRONMENT });
      expect(alert.annotations.summary).toBe(
        `JupyterHub in ${ENVIRONMENT} is down: nobody can log in or start a server.`,
      );
      expect(alert.annotations.runbook_url).toBe('docs/runbook.md#hub-down');
    }
    // the proxy still answers, so its alert stays quiet
    expect((await prom.alerts()).find((a) => a.labels.alertname === 'JupyterHubProxyDown')).toBeUndefined();
  });
});
