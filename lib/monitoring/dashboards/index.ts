/**
 * Every dashboard, by uid, as the JSON Grafana loads. One dashboard per file in this
 * folder, each built with Grafana's foundation SDK; the monitoring stack provisions them
 * through the Grafana chart, and `npm run dashboards -- --out DIR` writes them for a
 * Grafana that runs elsewhere.
 */
import { capacityCost } from './capacity-cost';
import { gpus } from './gpus';
import { hubGoldenSignals } from './hub-golden-signals';
import { notebookHealth } from './notebook-health';
import { storage } from './storage';
import { users } from './users';

const BUILDERS: readonly (() => Record<string, unknown>)[] = [
  hubGoldenSignals,
  notebookHealth,
  users,
  storage,
  gpus,
  capacityCost,
];

/** uid -> dashboard JSON. */
export function grafanaDashboards(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const build of BUILDERS) {
    const json = build();
    const uid = String(json.uid);
    if (out[uid]) throw new Error(`dashboard uid "${uid}" is used twice`);
    out[uid] = json;
  }
  return out;
}
