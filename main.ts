/**
 * Synthesizes every environment in config/ into cdktf.out/. The whole configuration is
 * validated first: on any problem nothing is written and the process exits 1.
 *
 * HUB_ENVIRONMENTS=prod,dev limits the synth to some environments.
 */
import { App } from 'cdktf';
import { ENVIRONMENTS } from './config';
import { ConfigError, loadEnvironments } from './config/load';
import { Environment } from './config/schema';
import { buildStacks } from './stacks/build';

function main(): number {
  let environments: Environment[];
  try {
    environments = loadEnvironments(ENVIRONMENTS);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const selected = process.env.HUB_ENVIRONMENTS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (selected) {
    const unknown = selected.filter((name) => !environments.some((env) => env.name === name));
    if (unknown.length > 0) {
      console.error(
        `HUB_ENVIRONMENTS: unknown environment ${unknown.join(', ')}; known: ${environments.map((e) => e.name).join(', ')}`,
      );
      return 1;
    }
    environments = environments.filter((env) => selected.includes(env.name));
  }
  const app = new App();
  buildStacks(app, environments);
  app.synth();
  return 0;
}

process.exitCode = main();
