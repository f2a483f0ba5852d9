/**
 * Synthesizes every environment in config/ into cdktf.out/ (what `npm run synth` and
 * `cdktf synth` run). The whole configuration is validated first: on any problem the
 * problems are printed, nothing is written, and the process exits 1.
 *
 * HUB_ENVIRONMENTS=prod,dev synthesizes only those environments.
 */
import { ENVIRONMENTS, MONITORING } from './config';
import { ConfigError } from './config/load';
import { synthesize } from './stacks/synthesize';

const only = process.env.HUB_ENVIRONMENTS?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);

try {
  synthesize({ environments: ENVIRONMENTS, monitoring: MONITORING, outdir: process.env.CDKTF_OUTDIR, only });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
