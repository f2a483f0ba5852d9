/** Grafana dashboards by uid, as dashboard JSON. (A placeholder with one empty dashboard.) */
export function grafanaDashboards(): Record<string, Record<string, unknown>> {
  return { 'hub-overview': { uid: 'hub-overview', title: 'Hub overview', schemaVersion: 39, panels: [] } };
}
