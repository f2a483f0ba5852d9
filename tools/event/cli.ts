/**
 * `npm run event -- <step> --env NAME [options]`: the hackweek lifecycle, one step at a
 * time. Built so far:
 *   up [--dry-run] [--hub-url URL] [--kube-api URL]   deploy, wait for the hub, smoke test
 *   status [--hub-url URL] [--kube-api URL] [--since DATE] [--json]
 *   orphans [--json] [--clean]      what is still in AWS for the environment, and its cost
 *   down [--no-export] [--confirm NAME] [--hub-url URL] [--clean] [--json]
 *   prewarm --users N [--kube-api URL] [--dry-run] [--json]
 * Every step logs to event-logs/<env>-<step>-<timestamp>.log (EVENT_DIR moves it).
 * Exit 0 when done (orphans: nothing left), 1 when AWS, cdktf or the hub fails or
 * resources are left, 2 on bad usage or a refusal.
 */
import { parseArgs } from 'util';
import { ENVIRONMENTS } from '../../config';
import { ConfigError, loadEnvironments } from '../../config/load';
import { Environment } from '../../config/schema';
import { PINNED_PRICES, PriceTable } from '../../lib/cost/prices';
import { clusterName, stackId } from '../../lib/naming';
import { checkPeriod } from '../cost/actual-cost';
import { awsClients } from '../shared/aws';
import { cdktf } from './cdktf';
import { RefusedError, runDown } from './down';
import { planPrewarm, scalePlaceholders } from './prewarm';
import { cleanOrphans, findOrphans, renderOrphans } from './orphans';
import { status } from './status';
import { openStepLog, StepLog } from './step-log';
import { terminalLog, up } from './up-command';
import { kubeApiFrom } from './kube-api';

const STEPS = ['up', 'status', 'orphans', 'down', 'prewarm'] as const;
const NOT_BUILT = ['loadtest'];

const USAGE = `usage: npm run event -- <step> --env NAME [options]
  up [--dry-run] [--hub-url URL] [--kube-api URL]
                               validate, synthesize, policy guard, deploy cluster then platform,
                               wait for the hub, smoke test, print the hub and Grafana addresses
                               (--dry-run prints every command and changes nothing)
  status [--hub-url URL] [--kube-api URL] [--since YYYY-MM-DD] [--json]
                               users, servers, nodes per pool, placeholders, cost so far vs plan
                               (hub token: JUPYTERHUB_API_TOKEN, else the hub Secret via --kube-api)
  orphans [--json] [--clean]   AWS resources still tagged for the environment or its cluster
  down [--no-export] [--confirm NAME] [--hub-url URL] [--clean] [--json]
                               stop servers, destroy platform then cluster, check orphans
  prewarm --users N [--kube-api URL] [--dry-run] [--json]
                               scale the user placeholders to hold N users' servers
                               (token from KUBE_TOKEN; URL also from KUBE_API_URL)
  (not built yet: ${NOT_BUILT.join(', ')})`;

class UsageError extends Error {}

/** The options each step takes, besides --env, --json and --help. */
const STEP_OPTIONS: Readonly<Record<(typeof STEPS)[number], readonly string[]>> = {
  up: ['dry-run', 'hub-url', 'kube-api'],
  status: ['hub-url', 'kube-api', 'since'],
  orphans: ['clean'],
  down: ['confirm', 'no-export', 'hub-url', 'clean'],
  prewarm: ['users', 'kube-api', 'dry-run'],
};

function wholeNumber(flag: string, raw: string | undefined): number {
  if (raw === undefined) throw new UsageError(`${flag}: missing; pass ${flag} N`);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10_000)
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not a whole number from 1 to 10000`);
  return n;
}

function environment(name: string | undefined): Environment {
  if (!name) throw new UsageError('--env: missing; pass --env NAME');
  const envs = loadEnvironments(ENVIRONMENTS);
  const env = envs.find((e) => e.name === name);
  if (!env)
    throw new UsageError(
      `--env: ${JSON.stringify(name)} is not an environment; known: ${envs.map((e) => e.name).join(', ')}`,
    );
  return env;
}

/** The region's pinned prices, else the first pinned table (said in the output). */
function prices(region: string): { table: PriceTable; note?: string } {
  const table = PINNED_PRICES[region];
  if (table) return { table };
  const [fallback] = Object.values(PINNED_PRICES);
  return { table: fallback, note: `no pinned prices for ${region}: costs at ${fallback.region} rates` };
}

/** Lists the orphans (and removes them with `clean`); resolves with how many are left. */
async function orphans(env: Environment, log: StepLog, options: { json: boolean; clean: boolean }) {
  const aws = awsClients(env.region);
  try {
    const scope = { environment: env.name, cluster: clusterName(env) };
    const { table, note } = prices(env.region);
    if (note) log.say(note);
    const found = await findOrphans(aws, scope, table);
    log.say(renderOrphans(env.name, found));
    let left = found;
    let failed: Array<{ id: string; error: string }> = [];
    if (options.clean && found.length) {
      const result = await cleanOrphans(aws, found);
      for (const o of result.removed) log.say(`removed ${o.kind} ${o.id}`);
      failed = result.failed.map((f) => ({ id: f.orphan.id, error: f.error }));
      for (const f of failed) log.say(`could not remove ${f.id}: ${f.error}`);
      left = await findOrphans(aws, scope, table);
      log.say(renderOrphans(env.name, left));
    }
    if (options.json)
      console.log(
        JSON.stringify(
          {
            environment: env.name,
            cluster: scope.cluster,
            found,
            ...(options.clean ? { left, failed } : {}),
            usdPerDay: left.reduce((sum, o) => sum + o.usdPerDay, 0),
          },
          null,
          2,
        ),
      );
    return left.length;
  } finally {
    aws.destroy();
  }
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        json: { type: 'boolean', default: false },
        clean: { type: 'boolean', default: false },
        confirm: { type: 'string' },
        'no-export': { type: 'boolean', default: false },
        'hub-url': { type: 'string' },
        users: { type: 'string' },
        'kube-api': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        since: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [step, ...extra] = positionals;
    if (!step) throw new UsageError('<step>: missing; give one of ' + STEPS.join(', '));
    if (NOT_BUILT.includes(step))
      throw new UsageError(`<step>: ${step} is not built yet; built: ${STEPS.join(', ')}`);
    if (!(STEPS as readonly string[]).includes(step))
      throw new UsageError(
        `<step>: ${JSON.stringify(step)} is not a step; the steps are ${STEPS.join(', ')}`,
      );
    if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const allowed = STEP_OPTIONS[step as (typeof STEPS)[number]];
    const given = argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]);
    const stray = given.find((flag) => !['env', 'json', 'help', ...allowed].includes(flag));
    if (stray)
      throw new UsageError(
        `--${stray}: not an option of ${step}; its options: ${allowed.map((o) => `--${o}`).join(', ')}`,
      );
    const env = environment(values.env);
    if (step === 'up') {
      const dryRun = values['dry-run'];
      if (!dryRun && !process.env.JUPYTERHUB_API_TOKEN && !kubeApiFrom(values['kube-api']))
        throw new UsageError(
          '--kube-api: missing; the smoke test needs the hub token: pass --kube-api URL (or KUBE_API_URL) ' +
            'to read it from the hub Secret, or set JUPYTERHUB_API_TOKEN',
        );
      const log = dryRun ? terminalLog(json) : openStepLog(env.name, step, json);
      const code = await up(env, {
        dryRun,
        hubUrl: values['hub-url'],
        kube: kubeApiFrom(values['kube-api']),
        log,
      });
      if (json) console.log(JSON.stringify({ environment: env.name, up: code === 0, dryRun, log: log.path }));
      return code;
    }
    if (step === 'status') {
      const since = values.since;
      if (since !== undefined && checkPeriod(since, since).length)
        throw new UsageError(`--since: ${JSON.stringify(since)} is not a date such as 2026-07-13`);
      const log = openStepLog(env.name, step, json);
      return await status(env, {
        hubUrl: values['hub-url'],
        kube: kubeApiFrom(values['kube-api']),
        since: values.since,
        json,
        log,
      });
    }
    const users = step === 'prewarm' ? wholeNumber('--users', values.users) : undefined;
    const kubeApi = values['kube-api'] ?? process.env.KUBE_API_URL;
    if (step === 'prewarm' && !kubeApi && !values['dry-run'])
      throw new UsageError('--kube-api: missing; pass --kube-api URL (or KUBE_API_URL), or --dry-run');
    const log = openStepLog(env.name, step, json);
    if (step === 'orphans') {
      const left = await orphans(env, log, { json, clean: values.clean });
      return left ? 1 : 0;
    }
    if (step === 'prewarm') {
      let plan;
      try {
        plan = planPrewarm(env, users as number);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      log.say(
        `${env.name}: ${plan.users} users of profile '${plan.profile}' need ${plan.nodes} ${plan.instanceType} ` +
          `node(s) at ${plan.usersPerNode} per node: ${plan.placeholders} placeholders`,
      );
      if (!values['dry-run']) {
        await scalePlaceholders({ url: kubeApi as string, token: process.env.KUBE_TOKEN }, plan.placeholders);
        log.say(`user-placeholder scaled to ${plan.placeholders}; the autoscaler now boots the nodes`);
      }
      if (json) console.log(JSON.stringify({ environment: env.name, ...plan, scaled: !values['dry-run'] }));
      return 0;
    }
    const hubUrl = values['hub-url'] ?? process.env.JUPYTERHUB_API_URL;
    const token = process.env.JUPYTERHUB_API_TOKEN;
    if (hubUrl && !token)
      throw new UsageError('JUPYTERHUB_API_TOKEN: missing; the hub API needs an admin token');
    const code = await runDown({
      environment: env.name,
      stacks: { platform: stackId('platform', env), cluster: stackId('cluster', env) },
      confirm: values.confirm,
      noExport: values['no-export'],
      hub: hubUrl && token ? { url: hubUrl, token } : undefined,
      cdktf: cdktf(log),
      orphanCheck: () => orphans(env, log, { json: false, clean: values.clean }),
      log,
    });
    if (json) console.log(JSON.stringify({ environment: env.name, done: code === 0, log: log.path }));
    return code;
  } catch (error) {
    const message = (error as Error).message;
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof RefusedError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`event: ${message}${error instanceof UsageError ? `\n${USAGE}` : ''}`);
    if (json) console.log(JSON.stringify({ error: message }));
    return usage ? 2 : 1;
  }
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
