/**
 * The event's usage report: users, running servers, and the CPU and memory the user
 * servers used, over the event, from the monitoring Prometheus's recorded series
 * (lib/monitoring/rules), as a CSV table and a PNG of four line charts.
 */
import { allRecordingRules } from '../../lib/monitoring/rules';
import { ENV } from '../../lib/monitoring/rules/selectors';
import { Canvas, Rgb } from './png';

export interface UsageColumn {
  /** The CSV column. */
  readonly name: string;
  /** The chart's title. */
  readonly title: string;
  /** The recorded series it reads. */
  readonly record: string;
  /** Multiplies the series' value (bytes to GiB). */
  readonly scale: number;
  /** Decimals in the CSV. */
  readonly decimals: number;
  readonly colour: Rgb;
}

/** What the report shows, each a recording rule's series. */
export const USAGE_COLUMNS: readonly UsageColumn[] = [
  {
    name: 'users',
    title: 'users',
    record: `${ENV}:jupyterhub_total_users:max`,
    scale: 1,
    decimals: 0,
    colour: [31, 119, 180],
  },
  {
    name: 'running_servers',
    title: 'running servers',
    record: `${ENV}:jupyterhub_running_servers:max`,
    scale: 1,
    decimals: 0,
    colour: [44, 160, 44],
  },
  {
    name: 'cpu_cores',
    title: 'cpu cores',
    record: `${ENV}:jupyterhub_user_cpu_cores:rate5m`,
    scale: 1,
    decimals: 3,
    colour: [214, 39, 40],
  },
  {
    name: 'memory_gib',
    title: 'memory gib',
    record: `${ENV}:jupyterhub_user_memory_working_set_bytes:sum`,
    scale: 1 / 2 ** 30,
    decimals: 3,
    colour: [148, 103, 189],
  },
];

export interface UsageQuery {
  readonly prometheusUrl: string;
  /** The value of the series' environment label. */
  readonly environment: string;
  readonly start: Date;
  readonly end: Date;
  /** Seconds between rows. @default the range over 500, rounded up to a whole minute */
  readonly stepSeconds?: number;
}

export interface UsageReport {
  readonly environment: string;
  /** Unix seconds of each row. */
  readonly times: readonly number[];
  /** Per column, a value per row (undefined where Prometheus has none). */
  readonly values: Readonly<Record<string, ReadonlyArray<number | undefined>>>;
}

export function defaultStep(start: Date, end: Date): number {
  const seconds = (end.getTime() - start.getTime()) / 1000;
  return Math.max(60, Math.ceil(seconds / 500 / 60) * 60);
}

const LABEL_VALUE = /^[A-Za-z0-9_.-]+$/;

/** Reads every column over the range; the rows are the range's steps. */
export async function queryUsage(query: UsageQuery): Promise<UsageReport> {
  if (!LABEL_VALUE.test(query.environment))
    throw new Error(`environment: ${JSON.stringify(query.environment)} is not a plain label value`);
  if (!(query.end.getTime() > query.start.getTime()))
    throw new Error(`the report's range ${query.start.toISOString()} to ${query.end.toISOString()} is empty`);
  const known = new Set(allRecordingRules().map((r) => r.record));
  const step = query.stepSeconds ?? defaultStep(query.start, query.end);
  const start = Math.ceil(query.start.getTime() / 1000 / step) * step;
  const end = Math.floor(query.end.getTime() / 1000);
  const times: number[] = [];
  for (let t = start; t <= end; t += step) times.push(t);
  const values: Record<string, Array<number | undefined>> = {};
  for (const column of USAGE_COLUMNS) {
    if (!known.has(column.record))
      throw new Error(`${column.record} is not a recording rule of lib/monitoring/rules`);
    const params = new URLSearchParams({
      query: `max(${column.record}{${ENV}="${query.environment}"})`,
      start: String(start),
      end: String(end),
      step: String(step),
    });
    const url = `${query.prometheusUrl.replace(/\/$/, '')}/api/v1/query_range?${params}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { result: Array<{ values: Array<[number, string]> }> };
    };
    if (!response.ok || body.status !== 'success')
      throw new Error(
        `Prometheus answered ${response.status} to ${column.record}: ${body.error ?? body.status}`,
      );
    const byTime = new Map((body.data?.result[0]?.values ?? []).map(([t, v]) => [Math.round(t), Number(v)]));
    values[column.name] = times.map((t) => {
      const v = byTime.get(t);
      return v === undefined ? undefined : v * column.scale;
    });
  }
  return { environment: query.environment, times, values };
}

export function usageCsv(report: UsageReport): string {
  const lines = [['time', ...USAGE_COLUMNS.map((c) => c.name)].join(',')];
  report.times.forEach((t, i) => {
    const cells = USAGE_COLUMNS.map((c) => {
      const v = report.values[c.name][i];
      return v === undefined ? '' : v.toFixed(c.decimals);
    });
    lines.push([new Date(t * 1000).toISOString(), ...cells].join(','));
  });
  return `${lines.join('\n')}\n`;
}

export const CHART_SIZE = { width: 800, height: 800 } as const;

/**
 * Four line charts stacked, one per column, each from zero to its maximum, with its title
 * and maximum written in the corner and the range's first and last time below.
 */
export function usagePng(report: UsageReport, size: { width: number; height: number } = CHART_SIZE): Buffer {
  const canvas = new Canvas(size.width, size.height);
  const grey: Rgb = [200, 200, 200];
  const ink: Rgb = [40, 40, 40];
  const panelHeight = Math.floor(size.height / USAGE_COLUMNS.length);
  const left = 10;
  const right = size.width - 10;
  USAGE_COLUMNS.forEach((column, p) => {
    const top = p * panelHeight + 24;
    const bottom = (p + 1) * panelHeight - 24;
    canvas.rect(left, top, right, bottom, grey);
    const values = report.values[column.name];
    const max = Math.max(0, ...values.filter((v): v is number => v !== undefined));
    canvas.text(left, top - 16, `${column.title}  max ${max.toFixed(column.decimals)}`, ink);
    const n = report.times.length;
    const x = (i: number) => left + 1 + ((right - left - 2) * i) / Math.max(1, n - 1);
    const y = (v: number) => bottom - 1 - ((bottom - top - 2) * v) / (max || 1);
    for (let i = 1; i < n; i++) {
      const a = values[i - 1];
      const b = values[i];
      if (a === undefined || b === undefined) continue;
      canvas.line(x(i - 1), y(a), x(i), y(b), column.colour);
    }
    if (n === 1 && values[0] !== undefined) canvas.set(x(0), y(values[0]), column.colour);
  });
  if (report.times.length) {
    const stamp = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
    canvas.text(left, size.height - 14, stamp(report.times[0]), ink);
    const last = stamp(report.times[report.times.length - 1]);
    canvas.text(right - last.length * 8, size.height - 14, last, ink);
  }
  return canvas.png();
}

/** The report's files for the export: `usage.csv` and `usage.png`. */
export async function usageReportFiles(query: UsageQuery): Promise<Record<string, Buffer>> {
  const report = await queryUsage(query);
  return { 'usage.csv': Buffer.from(usageCsv(report)), 'usage.png': usagePng(report) };
}
