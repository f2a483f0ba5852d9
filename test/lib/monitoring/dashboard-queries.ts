/** The PromQL queries of a dashboard's panels, and how Grafana fills their variables in. */

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly expr: string;
}

export function dashboardQueries(dashboard: Record<string, unknown>): PanelQuery[] {
  const panels = dashboard.panels as { title: string; targets?: { expr?: string }[] }[];
  return panels.flatMap((p) =>
    (p.targets ?? [])
      .filter((t) => typeof t.expr === 'string')
      .map((t) => ({ dashboard: String(dashboard.uid), panel: p.title, expr: t.expr as string })),
  );
}

/** Fills in Grafana's variables as a dashboard would with `environment` picked. */
export function substituteVariables(expr: string, environment = 'prod'): string {
  return expr
    .replaceAll('${user:regex}', '.+')
    .replaceAll('$environment', environment)
    .replaceAll('$__range_s', '3600')
    .replaceAll('$__range', '1h')
    .replaceAll('$__rate_interval', '5m');
}
