/** `npm run policy:docs`: writes docs/policy.md from the rule definitions. */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { PROJECT_ROOT } from '../../lib/project-paths';
import { POLICY_DOC_PATH, renderPolicyDocs } from './docs';
import { RULES } from './rules';

const target = join(PROJECT_ROOT, POLICY_DOC_PATH);
writeFileSync(target, renderPolicyDocs(RULES));
console.log(`wrote ${POLICY_DOC_PATH} (${RULES.length} rules)`);
