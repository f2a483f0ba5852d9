/** docs/policy.md against the rules it is rendered from (no synth: fast enough for mutation runs). */
import { readFileSync } from 'fs';
import { join } from 'path';
import { POLICY_DOC_PATH, renderPolicyDocs } from '../../../tools/policy/docs';
import { RULES } from '../../../tools/policy/rules';

describe('docs/policy.md', () => {
  it('is generated from the current rules (run `npm run policy:docs`)', () => {
    const current = readFileSync(join(__dirname, '..', '..', '..', POLICY_DOC_PATH), 'utf8');
    expect(current).toBe(renderPolicyDocs(RULES));
  });

  it('lists every rule with its severity and anchors', () => {
    const doc = renderPolicyDocs(RULES);
    for (const rule of RULES) expect(doc).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
  });
});
