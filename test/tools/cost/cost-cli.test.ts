/**
 * `npm run cost`: the plan from config, and the report of actual costs from Cost
 * Explorer, served by moto's server mode with seeded cost data.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { Moto, startMoto } from '../../support/moto';

function cost(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', join('tools', 'cost', 'cli.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

const serviceCost = (service: string, amount: string) => ({
  Keys: [service],
  Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } },
});
const day = (start: string, end: string, groups: unknown[], estimated = false) => ({
  TimePeriod: { Start: start, End: end },
  Total: {},
  Groups: groups,
  Estimated: estimated,
});

describe('npm run cost (plan)', () => {
  it('plans the hackweek with node-hours, a total, the cost per user-hour and what culling saves', () => {
    const run = cost(['--env', 'hackweek', '--json']);
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({ environment: 'hackweek', users: 80, days: 5, activeHoursPerDay: 8 });
    expect(plan.planned.nodeHours.user).toBeGreaterThan(plan.planned.peakUserNodes * 8 * 5);
    expect(plan.cullingSaves).toBeCloseTo(plan.withoutCulling.total - plan.planned.total, 6);
    expect(plan.planned.perUserHour).toBeCloseTo(plan.planned.total / (80 * 8 * 5), 9);
  });

  it('takes the event shape from the command line', () => {
    const run = cost(['--env', 'hackweek', '--users', '40', '--days', '2', '--hours', '6']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^hackweek: 40 users, 2 days, 6 h of sessions a day/);
    expect(run.stdout).toMatch(/per user-hour: \$\d+\.\d\d over 480 user-hours/);
  });

  it('prices from a file, and rejects a bad one naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prices-'));
    try {
      const good = JSON.parse(cost(['--env', 'hackweek', '--json']).stdout);
      const table = {
        source: 'half price',
        region: 'us-west-2',
        instanceHour: { 'm5.2xlarge': 0.192, 'm5.xlarge': 0.096, 'm5.large': 0.048 },
        eksClusterHour: 0.05,
        natGatewayHour: 0.0225,
        loadBalancerHour: 0.01125,
        efsGbMonth: 0.15,
        ebsGp3GbMonth: 0.04,
      };
      writeFileSync(join(dir, 'half.json'), JSON.stringify(table));
      const half = cost(['--env', 'hackweek', '--json', '--prices', join(dir, 'half.json')]);
      expect(half.status).toBe(0);
      expect(JSON.parse(half.stdout).planned.total).toBeCloseTo(good.planned.total / 2, 6);

      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...table, efsGbMonth: -1 }));
      const bad = cost(['--env', 'hackweek', '--prices', join(dir, 'bad.json')]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('efsGbMonth: -1 is not a price (a number of USD, 0 or more)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--env', 'moon'], '--env: unknown environment moon; known: '],
    [['--env', 'hackweek', '--users', '0'], '--users: "0" is not a number from 1 to 10000'],
    [['--env', 'hackweek', '--days', '2.5'], '--days: "2.5" is not a number from 1 to 366'],
    [['--users', '5'], '--env is required'],
    [['frobnicate', '--env', 'hackweek'], 'unknown command frobnicate'],
  ])('exits 2 on %j, saying what is wrong', (args, message) => {
    const run = cost([...args, '--json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(JSON.parse(run.stdout)).toEqual({ error: expect.stringContaining(message) });
  });
});

describe('npm run cost -- report, against moto', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto?.stop());

  it('shows the cost per day and service for the environment, beside the plan', async () => {
    await moto.seedCostAndUsage([
      {
        ResultsByTime: [
          day('2026-07-13', '2026-07-14', [
            serviceCost('Amazon Elastic Compute Cloud - Compute', '80.50'),
            serviceCost('Amazon Elastic File System', '6.25'),
          ]),
          day(
            '2026-07-14',
            '2026-07-15',
            [serviceCost('Amazon Elastic Compute Cloud - Compute', '91.00')],
            true,
          ),
        ],
      },
    ]);
    const run = cost(['report', '--env', 'hackweek', '--from', '2026-07-13', '--to', '2026-07-14'], moto.env);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      '2026-07-13  $86.75  Amazon Elastic Compute Cloud - Compute $80.50, Amazon Elastic File System $6.25',
    );
    expect(run.stdout).toContain('2026-07-14  $91.00 (estimated)');
    expect(run.stdout).toMatch(/total: \$177\.75; the plan for 2 days: \$\d+\.\d\d/);
  });

  it('answers JSON for tools', async () => {
    await moto.seedCostAndUsage([
      {
        ResultsByTime: [
          day('2026-08-01', '2026-08-02', [serviceCost('Amazon Elastic Kubernetes Service', '2.40')]),
        ],
      },
    ]);
    const run = cost(
      ['report', '--env', 'prod', '--from', '2026-08-01', '--to', '2026-08-01', '--json'],
      moto.env,
    );
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.days).toEqual([
      {
        day: '2026-08-01',
        total: 2.4,
        byService: { 'Amazon Elastic Kubernetes Service': 2.4 },
        estimated: false,
      },
    ]);
    expect(report.total).toBe(2.4);
  });

  it('rejects dates that are not days, before calling AWS', () => {
    const run = cost(['report', '--env', 'prod', '--from', '2026-02-30', '--to', '2026-03-01'], moto.env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--from: "2026-02-30" is not a date such as 2026-07-13');
    const reversed = cost(
      ['report', '--env', 'prod', '--from', '2026-03-02', '--to', '2026-03-01'],
      moto.env,
    );
    expect(reversed.stderr).toContain('--to: 2026-03-01 is before --from 2026-03-02');
  });

  it('exits 1 with the reason when Cost Explorer cannot be reached', () => {
    const run = cost(['report', '--env', 'prod', '--from', '2026-03-01', '--to', '2026-03-01'], {
      ...moto.env,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^cost: .*ECONNREFUSED/m);
  });
});
