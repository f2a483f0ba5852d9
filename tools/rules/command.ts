/** `npm run rules -- --out DIR`: the Prometheus rule files, as Prometheus loads them. */
import { prometheusRuleFiles } from '../../lib/monitoring/rules';
import { ExportCommand } from '../export/write-files';

export const RULES_COMMAND: ExportCommand = {
  name: 'rules',
  what: 'the recording and alerting rule files (YAML, for rule_files in prometheus.yml)',
  render: () => prometheusRuleFiles(),
};
