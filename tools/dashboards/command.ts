/** `npm run dashboards -- --out DIR`: every dashboard as a JSON file, to import into any Grafana. */
import { grafanaDashboards } from '../../lib/monitoring/dashboards';
import { ExportCommand } from '../export/write-files';

export const DASHBOARDS_COMMAND: ExportCommand = {
  name: 'dashboards',
  what: 'one <uid>.json per dashboard (Grafana: Dashboards -> New -> Import)',
  render: () =>
    Object.fromEntries(
      Object.entries(grafanaDashboards()).map(([uid, json]) => [
        `${uid}.json`,
        `${JSON.stringify(json, null, 2)}\n`,
      ]),
    ),
};
