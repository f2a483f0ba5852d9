/**
 * `npm run cost -- report --prometheus URL`: the user-hours per day and the cost per
 * user-hour, against a real Prometheus (Debian's 2.42) serving seeded samples of the hub's
 * gauge and moto's Cost Explorer serving seeded costs. The expected figures are worked out
 * by hand from the seeded timeline below.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { SCRAPE_JOBS, SERIES_LABELS } from '../../../lib/monitoring/scrape-jobs';
import { TestPrometheus } from '../../e2e/support/prometheus';
import { freePort } from '../../support/free-port';
import { Moto, startMoto } from '../../support/moto';

/** The agents' scrape interval (lib/monitoring/agent-values.ts). */
const SCRAPE_SECONDS = 30;

/** JupyterHub 5.5's gauge (jupyterhub/metrics.py: `running_servers`, namespace `jupyterhub`). */
const GAUGE = 'jupyterhub_running_servers';

interface Segment {
  /** ISO time, UTC; the first sample is here. */
  readonly from: string;
  /** ISO time, UTC; the last sample is one scrape before. */
  readonly to: string;
  readonly servers: number;
}

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly segments: readonly Segment[];
}

/** The samples an agent scraping every 30 s would have written, as OpenMetrics text. */
function openMetrics(series: readonly Series[]): string {
  const lines = [`# HELP ${GAUGE} The number of user servers currently running`, `# TYPE ${GAUGE} gauge`];
  for (const { labels, segments } of series) {
    const selector = Object.entries(labels)
      .map(([name, value]) => `${name}="${value}"`)
      .join(',');
    for (const { from, to, servers } of segments) {
      for (let t = Date.parse(from) / 1000; t < Date.parse(to) / 1000; t += SCRAPE_SECONDS) {
        lines.push(`${GAUGE}{${selector}} ${servers} ${t}`);
      }
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

const labels = (environment: string, pod: string) => ({
  [SERIES_LABELS.cluster]: `hub-${environment}`,
  [SERIES_LABELS.environment]: environment,
  job: SCRAPE_JOBS.hub,
  pod,
});

/*
 * The hackweek's hub, as the agent saw it (UTC):
 *
 *   2026-07-13 00:00-09:00    0 servers   (hub pod A)
 *              09:00-12:00   20 servers   (pod A; its last sample is at 11:59:30)
 *              12:00-17:00   20 servers   (the hub restarted: pod B, a new series)
 *              17:00-24:00    5 servers   (left running overnight)
 *   2026-07-14 00:00-02:00    5 servers   (culled at 02:00)
 *              02:00-10:00    0 servers
 *              10:00-14:00   30 servers
 *              14:00-15:00    0 servers, then no samples at all (the cluster torn down)
 *   2026-07-15                no samples
 *
 * User-hours by hand:
 *   2026-07-13: 20 x 8 h (09:00-17:00, across the restart) + 5 x 7 h (17:00-24:00) = 195
 *   2026-07-14: 5 x 2 h (00:00-02:00) + 30 x 4 h (10:00-14:00)                     = 130
 *   2026-07-15: nothing                                                            =   0
 * Total 325 user-hours.
 *
 * Cost Explorer (seeded in moto): $120.00 + $80.00 + $5.00 = $205.00, so the cost per
 * user-hour is 205 / 325 = $0.630769...
 *
 * Prod's hub runs 50 servers all the while: none of it is the hackweek's.
 */
const HACKWEEK: readonly Series[] = [
  {
    labels: labels('hackweek', 'hub-a'),
    segments: [
      { from: '2026-07-13T00:00:00Z', to: '2026-07-13T09:00:00Z', servers: 0 },
      { from: '2026-07-13T09:00:00Z', to: '2026-07-13T12:00:00Z', servers: 20 },
    ],
  },
  {
    labels: labels('hackweek', 'hub-b'),
    segments: [
      { from: '2026-07-13T12:00:00Z', to: '2026-07-13T17:00:00Z', servers: 20 },
      { from: '2026-07-13T17:00:00Z', to: '2026-07-14T02:00:00Z', servers: 5 },
      { from: '2026-07-14T02:00:00Z', to: '2026-07-14T10:00:00Z', servers: 0 },
      { from: '2026-07-14T10:00:00Z', to: '2026-07-14T14:00:00Z', servers: 30 },
      { from: '2026-07-14T14:00:00Z', to: '2026-07-14T15:00:00Z', servers: 0 },
    ],
  },
  {
    labels: labels('prod', 'hub-p'),
    segments: [{ from: '2026-07-12T00:00:00Z', to: '2026-07-16T00:00:00Z', servers: 50 }],
  },
];

const EXPECTED_USER_HOURS = { '2026-07-13': 20 * 8 + 5 * 7, '2026-07-14': 5 * 2 + 30 * 4, '2026-07-15': 0 };
const EXPECTED_TOTAL_USD = 120 + 80 + 5;

const serviceCost = (service: string, amount: string) => ({
  Keys: [service],
  Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } },
});
const costDay = (start: string, end: string, groups: unknown[]) => ({
  TimePeriod: { Start: start, End: end },
  Total: {},
  Groups: groups,
  Estimated: false,
});

function cost(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join('tools', 'cost', 'cli.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('npm run cost -- report with user-hours from a real Prometheus', () => {
  let moto: Moto | undefined;
  let prometheus: TestPrometheus | undefined;
  beforeAll(async () => {
    [moto, prometheus] = await Promise.all([
      startMoto(),
      TestPrometheus.start({ config: { global: {} }, openMetrics: openMetrics(HACKWEEK) }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([moto?.stop(), prometheus?.stop()]);
  });

  beforeEach(async () => {
    await moto!.seedCostAndUsage([
      {
        ResultsByTime: [
          costDay('2026-07-13', '2026-07-14', [
            serviceCost('Amazon Elastic Compute Cloud - Compute', '100.00'),
            serviceCost('Amazon Elastic File System', '20.00'),
          ]),
          costDay('2026-07-14', '2026-07-15', [
            serviceCost('Amazon Elastic Compute Cloud - Compute', '80.00'),
          ]),
          costDay('2026-07-15', '2026-07-16', [serviceCost('Amazon Elastic File System', '5.00')]),
        ],
      },
    ]);
  });

  const args = (...more: string[]) => [
    'report',
    '--env',
    'hackweek',
    '--from',
    '2026-07-13',
    '--to',
    '2026-07-15',
    '--prometheus',
    prometheus!.url,
    ...more,
  ];

  it('counts the user-hours of each UTC day and the cost per user-hour, as worked out by hand', () => {
    const run = cost(args('--json'), moto!.env);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    const byDay = Object.fromEntries(
      (report.days as { day: string; userHours: number }[]).map((d) => [d.day, d.userHours]),
    );
    expect(Object.keys(byDay)).toEqual(Object.keys(EXPECTED_USER_HOURS));
    for (const [day, hours] of Object.entries(EXPECTED_USER_HOURS)) {
      expect([day, byDay[day]]).toEqual([day, expect.closeTo(hours, 6)]);
    }
    expect(report.userHours).toBeCloseTo(325, 6);
    expect(report.total).toBeCloseTo(EXPECTED_TOTAL_USD, 6);
    expect(report.perUserHour).toBeCloseTo(EXPECTED_TOTAL_USD / 325, 9);
  });

  it('prints them beside each day', () => {
    const run = cost(args(), moto!.env);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2026-07-13  $120.00, 195.0 user-hours  ');
    expect(run.stdout).toContain('2026-07-14  $80.00, 130.0 user-hours  ');
    expect(run.stdout).toContain('2026-07-15  $5.00, 0.0 user-hours  ');
    expect(run.stdout).toMatch(/^per user-hour: \$0\.63 over 325\.0 user-hours \(plan: \$\d+\.\d\d\)$/m);
  });

  it("counts another environment's hub on its own", () => {
    const run = cost(
      [
        'report',
        '--env',
        'prod',
        '--from',
        '2026-07-13',
        '--to',
        '2026-07-13',
        '--prometheus',
        prometheus!.url,
        '--json',
      ],
      moto!.env,
    );
    expect(run.status).toBe(0);
    // 50 servers all day.
    expect(JSON.parse(run.stdout).days[0].userHours).toBeCloseTo(50 * 24, 6);
  });

  it('exits 1 naming Prometheus when it cannot be reached', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const run = cost(
      ['report', '--env', 'hackweek', '--from', '2026-07-13', '--to', '2026-07-13', '--prometheus', nobody],
      moto!.env,
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^cost: Prometheus at ${nobody}: fetch failed .*ECONNREFUSED`, 'm'),
    );
  });
});
