/**
 * Synthesizes every environment in config/ into cdktf.out/ (what `npm run synth` and
 * `cdktf synth` run). The whole configuration and the values folder are validated first:
 * on any problem the problems are printed, nothing is written, and the process exits 1.
 *
 * HUB_ENVIRONMENTS=prod,dev synthesizes only those environments. HUB_TOKEN_STACKS=1 keeps
 * cdktf's token creation stacks, so an unresolvable token's error says where it was made.
 *
 * Example values (account 123456789012, example.org names) outside development and in the
 * monitoring deployments written: when the cdktf CLI runs this app (`cdktf deploy`, `diff`,
 * `synth`, which pass their context in CDKTF_CONTEXT_JSON) the synth is meant for deploying
 * and refuses them, one line per field, unless HUB_ALLOW_PLACEHOLDERS=1. Run directly
 * (`npm run synth`) it lists them as warnings and writes the stacks, so the shipped
 * examples synthesize offline.
 */
import { join } from 'path';
import { ENVIRONMENTS, MONITORING } from './config';
import { budgetWarnings } from './config/cost-plan';
import { ConfigError } from './config/load';
import { allPools } from './config/checks';
import { formatQuotaNeeds, vcpuQuotaNeeds } from './lib/vcpu-quota';
import { synthesize } from './stacks/synthesize';

const only = process.env.HUB_ENVIRONMENTS?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
const forDeploy = process.env.CDKTF_CONTEXT_JSON !== undefined && process.env.HUB_ALLOW_PLACEHOLDERS !== '1';

try {
  const { stacks, environments, exampleValues } = synthesize({
    environments: ENVIRONMENTS,
    monitoring: MONITORING,
    outdir,
    only,
    refusePlaceholders: forDeploy,
    tokenCreationStacks: process.env.HUB_TOKEN_STACKS === '1',
  });
  const lines = [`synthesized ${stacks.length} stacks into ${join(outdir, 'stacks')}/: ${stacks.join(', ')}`];
  lines.push('EC2 on-demand vCPU quota each environment needs with every pool at max size:');
  for (const env of environments)
    lines.push(`  ${env.name}: ${formatQuotaNeeds(vcpuQuotaNeeds(allPools(env).map((p) => p.pool)))}`);
  console.log(lines.join('\n'));
  if (exampleValues.length > 0) {
    console.error(
      [
        'warning: example values, which `cdktf deploy` refuses (README, "Deploying for real"):',
        ...exampleValues.map((p) => `  - ${p}`),
      ].join('\n'),
    );
  }
  for (const warning of budgetWarnings(environments)) console.error(`warning: ${warning}`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
