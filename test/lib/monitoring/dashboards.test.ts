/**
 * The dashboards: the six the operators asked for, each opening with a how-to-read panel;
 * every panel's query parses (checked by the real promtool, each query loaded as a rule),
 * follows the environment picker, and names only recorded series that a rule records.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { grafanaDashboards } from '../../../lib/monitoring/dashboards';
import { CLOUDWATCH_DATASOURCE_UID } from '../../../lib/monitoring/names';
import { allRecordingRules } from '../../../lib/monitoring/rules';
import { promtool, runTool } from './promtool-harness';
import { dashboardQueries, substituteVariables } from './dashboard-queries';

const dashboards = grafanaDashboards();

interface Panel {
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  options?: { mode?: string; content?: string };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource: { uid: string } }[];
}
const panelsOf = (uid: string): Panel[] => dashboards[uid].panels as Panel[];

it('are the six dashboards operators watch', () => {
  expect(Object.keys(dashboards).sort()).toEqual(
    [
      'jupyterhub-capacity-cost',
      'jupyterhub-golden-signals',
      'jupyterhub-gpus',
      'jupyterhub-notebook-health',
      'jupyterhub-storage',
      'jupyterhub-users',
    ].sort(),
  );
});

describe.each(Object.keys(dashboards))('%s', (uid) => {
  const panels = panelsOf(uid);

  it('opens with a markdown panel saying how to read it', () => {
    expect(panels[0]).toMatchObject({
      type: 'text',
      title: 'How to read this dashboard',
      options: { mode: 'markdown' },
    });
    expect(panels[0].options?.content?.length).toBeGreaterThan(200);
  });

  it('has a picker for the Prometheus and the environment', () => {
    const vars = (dashboards[uid].templating as { list: { name: string; type: string }[] }).list;
    expect(vars.slice(0, 2).map((v) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['environment', 'query'],
    ]);
  });

  it('gives every data panel a description and queries on the picked Prometheus, or CloudWatch', () => {
    for (const panel of panels.slice(1)) {
      expect(panel.description).toEqual(expect.any(String));
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const t of panel.targets ?? []) {
        // CloudWatch-only metrics read the provisioned CloudWatch datasource, as the panel does.
        if (t.datasource.uid === CLOUDWATCH_DATASOURCE_UID)
          expect(panel.datasource?.uid).toBe(CLOUDWATCH_DATASOURCE_UID);
        else expect(t.datasource.uid).toBe('${datasource}');
      }
    }
  });

  it('keeps every query to the picked environment', () => {
    for (const q of dashboardQueries(dashboards[uid])) expect(q.expr).toContain('environment="$environment"');
  });

  it('lays panels out on the grid without overlap', () => {
    const cells = new Set<string>();
    for (const { gridPos: g } of panels) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });
});

it('every query parses (promtool check rules, each query loaded as a recording rule)', () => {
  const queries = Object.values(dashboards).flatMap(dashboardQueries);
  const rules = queries.map((q, i) => ({
    record: `dashboard_query_${i}`,
    expr: substituteVariables(q.expr),
  }));
  const dir = mkdtempSync(join(tmpdir(), 'dashboards-'));
  try {
    writeFileSync(join(dir, 'queries.yaml'), stringify({ groups: [{ name: 'dashboard-queries', rules }] }));
    const run = runTool(promtool(), ['check', 'rules', 'queries.yaml'], dir);
    if (run.status !== 0) {
      const bad = [...run.output.matchAll(/rule (\d+)/g)].map((m) => queries[Number(m[1]) - 1]);
      throw new Error(`promtool rejected dashboard queries:\n${run.output}\n${JSON.stringify(bad, null, 2)}`);
    }
    expect(run.output).toContain(`SUCCESS: ${queries.length} rules found`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('names only recorded series that a rule records', () => {
  const recorded = new Set(allRecordingRules().map((r) => r.record));
  const used = Object.values(dashboards)
    .flatMap(dashboardQueries)
    .flatMap((q) => [...q.expr.matchAll(/[a-z_]+:[a-zA-Z0-9_]+:[a-z0-9_]+/g)].map((m) => m[0]));
  expect(used.length).toBeGreaterThan(30);
  expect([...new Set(used)].filter((name) => !recorded.has(name))).toEqual([]);
});

it("shows EFS's I/O limit from CloudWatch, per file system, as the hub alarms read it", () => {
  const io = panelsOf('jupyterhub-storage').filter((p) => p.title === 'EFS I/O limit used');
  expect(io.map((p) => p.type).sort()).toEqual(['stat', 'timeseries']);
  for (const panel of io) {
    expect(panel.datasource).toEqual({ type: 'cloudwatch', uid: CLOUDWATCH_DATASOURCE_UID });
    expect(panel.targets).toEqual([
      expect.objectContaining({
        namespace: 'AWS/EFS',
        metricName: 'PercentIOLimit',
        dimensions: { FileSystemId: '*' },
        queryMode: 'Metrics',
      }),
    ]);
  }
});

it('shows CPU and memory per user now beside their 10-minute averages', () => {
  const panels = panelsOf('jupyterhub-users');
  for (const what of ['CPU', 'Memory']) {
    const now = panels.find((p) => p.title === `${what} per user, now`);
    const avg = panels.find((p) => p.title === `${what} per user, 10-minute average`);
    expect(now && avg).toBeTruthy();
    expect(avg!.gridPos.y).toBe(now!.gridPos.y);
    expect(avg!.gridPos.x).toBe(now!.gridPos.x + now!.gridPos.w);
    expect(avg!.targets![0].expr).toMatch(/\[10m\]/);
  }
});
