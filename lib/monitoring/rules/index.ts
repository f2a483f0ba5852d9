/**
 * The central Prometheus's rule files: file name -> YAML text of rule groups, as
 * Prometheus loads them. (A placeholder with one empty group until the rules land.)
 */
export function prometheusRuleFiles(): Record<string, string> {
  return { 'hub-rules.yml': 'groups:\n  - name: hub\n    rules: []\n' };
}
