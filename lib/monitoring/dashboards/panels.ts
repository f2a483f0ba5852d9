/**
 * Shared pieces of the dashboards, built with Grafana's foundation SDK: the datasource
 * and environment variables every dashboard starts with, and small constructors for the
 * panel kinds they use, so each dashboard file reads as a list of questions and queries.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as cloudwatch from '@grafana/grafana-foundation-sdk/cloudwatch';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { CLOUDWATCH_DATASOURCE_UID } from '../names';
import { ENV } from '../rules/selectors';

/** Every panel queries the Prometheus picked in the dashboard's `datasource` variable. */
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** The selector that keeps a panel to the environment picked at the top. */
export const IN_ENV = `${ENV}="$environment"`;

export interface Query {
  readonly expr: string;
  /** Legend, with `{{label}}` placeholders. */
  readonly legend?: string;
}

function target(query: Query, refId: string, instant = false): DataqueryBuilder {
  const t = new DataqueryBuilder().expr(query.expr).refId(refId).datasource(DATASOURCE);
  if (query.legend) t.legendFormat(query.legend);
  if (instant) t.instant().format(PromQueryFormat.Table);
  return t;
}

const refId = (i: number): string => String.fromCharCode(65 + i);

/** The CloudWatch datasource Grafana is provisioned with (for metrics only CloudWatch has). */
export const CLOUDWATCH: common.DataSourceRef = { type: 'cloudwatch', uid: CLOUDWATCH_DATASOURCE_UID };

/** A CloudWatch metric, every series of it in the datasource's region, one line per dimension value. */
export interface CloudWatchMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: string;
  /** The dimension each line is per (every value of it: `*`). */
  readonly perDimension: string;
  /** Seconds per point. */
  readonly periodSeconds: number;
}

function cloudWatchTarget(metric: CloudWatchMetric): cloudwatch.MetricsQueryBuilder {
  return new cloudwatch.MetricsQueryBuilder()
    .refId('A')
    .datasource(CLOUDWATCH)
    .queryMode(cloudwatch.QueryMode.Metrics)
    .metricQueryType(cloudwatch.MetricQueryType.Search)
    .metricEditorMode(cloudwatch.MetricEditorMode.Builder)
    .id('')
    .region('default')
    .namespace(metric.namespace)
    .metricName(metric.metricName)
    .statistic(metric.statistic)
    .dimensions({ [metric.perDimension]: '*' })
    .matchExact(true)
    .period(String(metric.periodSeconds))
    .label(`\${PROP('Dim.${metric.perDimension}')}`);
}

export interface PanelOptions {
  readonly title: string;
  /** What the panel answers; Grafana shows it on the (i) next to the title. */
  readonly description: string;
  readonly queries: readonly Query[];
  /** Grafana unit id: `s`, `percentunit`, `bytes`, `Bps`, `short`, `reqps`, `cores`. */
  readonly unit?: string;
  /** Width in grid columns (24 is the full width). @default 12 */
  readonly span?: number;
  /** Height in grid rows. @default 8 */
  readonly height?: number;
  /** Read this CloudWatch metric instead of `queries` (which must then be empty). @default none */
  readonly cloudWatch?: CloudWatchMetric;
}

/** The panel's targets: its PromQL queries on the picked Prometheus, or its CloudWatch metric. */
function withTargets<P extends timeseries.PanelBuilder | stat.PanelBuilder>(p: P, o: PanelOptions): P {
  if (o.cloudWatch) {
    if (o.queries.length > 0)
      throw new Error(`panel '${o.title}': give queries or a CloudWatch metric, not both`);
    p.datasource(CLOUDWATCH).withTarget(cloudWatchTarget(o.cloudWatch));
  } else {
    o.queries.forEach((q, i) => p.withTarget(target(q, refId(i))));
  }
  return p;
}

export function graph(o: PanelOptions): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .unit(o.unit ?? 'short')
    .span(o.span ?? 12)
    .height(o.height ?? 8)
    .fillOpacity(10)
    .lineWidth(1);
  return withTargets(p, o);
}

/** Stat thresholds: from `value` up (null: from the bottom), the colour. */
export type Thresholds = readonly (readonly [number | null, string])[];

export function single(o: PanelOptions & { readonly thresholds?: Thresholds }): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .unit(o.unit ?? 'short')
    .span(o.span ?? 6)
    .height(o.height ?? 4)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']));
  if (o.thresholds) {
    p.thresholds(
      new ThresholdsConfigBuilder()
        .mode(ThresholdsMode.Absolute)
        .steps(o.thresholds.map(([value, color]) => ({ value, color }))),
    );
  }
  return withTargets(p, o);
}

export function grid(o: PanelOptions): table.PanelBuilder {
  const p = new table.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .unit(o.unit ?? 'short')
    .span(o.span ?? 24)
    .height(o.height ?? 8);
  o.queries.forEach((q, i) => p.withTarget(target(q, refId(i), true)));
  // One row per series, the instant queries' values side by side.
  p.withTransformation({ id: 'merge', options: {} });
  p.withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } });
  return p;
}

/** The "how to read this dashboard" panel each dashboard opens with. */
export function howToRead(markdown: string, height = 6): text.PanelBuilder {
  return new text.PanelBuilder()
    .title('How to read this dashboard')
    .mode(text.TextMode.Markdown)
    .content(markdown.trim())
    .span(24)
    .height(height);
}

const GENERAL_HELP = `
Pick the **environment** at the top; every panel follows it. Hover a graph to read every
line at that moment; click a legend entry to show only that line. Drag across a graph to
zoom in, Ctrl+Z to zoom back. Each panel's **(i)** says what it answers; its menu →
*Explore* opens the query to look further back without changing the dashboard. The alerts
and what to do about them: the project's \`docs/runbook.md\`.`;

export interface DashboardOptions {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** What this dashboard is for and how to read its panels (markdown). */
  readonly help: string;
  readonly helpHeight?: number;
}

/** A dashboard with the datasource and environment pickers and its how-to-read panel. */
export function dashboard(o: DashboardOptions): DashboardBuilder {
  return new DashboardBuilder(o.title)
    .uid(o.uid)
    .description(o.description)
    .tags(['jupyterhub'])
    .editable()
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder(ENV)
        .label('Environment')
        .datasource(DATASOURCE)
        .query(`label_values(up, ${ENV})`)
        .refresh(VariableRefresh.OnDashboardLoad)
        .sort(VariableSort.AlphabeticalAsc),
    )
    .withPanel(howToRead(`${o.help.trim()}\n\n${GENERAL_HELP.trim()}`, o.helpHeight));
}

/** Builds the dashboard and returns it as the plain JSON object Grafana loads. */
export function toJson(builder: DashboardBuilder): Record<string, unknown> {
  return JSON.parse(JSON.stringify(builder.build())) as Record<string, unknown>;
}
