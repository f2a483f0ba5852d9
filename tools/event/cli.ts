/**
 * `npm run event -- <step> --env NAME [options]`: the hackweek lifecycle, one step at a
 * time. Built so far:
 *   up [--dry-run] [--hub-url URL] [--kube-api URL]   deploy, wait for the hub, smoke test
 *   status [--hub-url URL] [--kube-api URL] [--since DATE] [--json]
 *   orphans [--json] [--clean]      what is still in AWS for the environment, and its cost
 *   down [--no-export] [--kube-api URL] [--prometheus-url URL] [--since TIME]
 *        [--confirm NAME] [--hub-url URL] [--clean] [--json]
 *   prewarm --users N [--until TIME] [--kube-api URL] [--timeout S] [--dry-run] [--json]
 *   loadtest [--users N] [--hub-url URL] [--dry-run] [--json]
 * Every step logs to event-logs/<env>-<step>-<timestamp>.log (EVENT_DIR moves it).
 * Exit 0 when done (orphans: nothing left), 1 when AWS, cdktf or the hub fails or
 * resources are left (loadtest: a target missed; prewarm: not ready in time), 2 on bad
 * usage or a refusal.
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
import { ExportRecord, RefusedError, runDown } from './down';
import { exportEvent } from './export-event';
import { HubStressError, LoadTestInputError, planLoadTest, runLoadTest } from './loadtest';
import { defaultProfile, profileStartTimeout } from '../../config/hub-checks';
import {
  configuredPlaceholders,
  eventTimeZone,
  parseUntil,
  planPrewarm,
  scalePlaceholders,
  scheduleUndo,
  undoJob,
  UntilError,
  waitUntilWarm,
} from './prewarm';
import { cleanOrphans, findOrphans, renderOrphans } from './orphans';
import { status } from './status';
import { openStepLog, StepLog } from './step-log';
import { terminalLog, up } from './up-command';
import { kubeApiFrom } from './kube-api';

const STEPS = ['up', 'status', 'orphans', 'down', 'prewarm', 'loadtest'] as const;

const USAGE = `usage: npm run event -- <step> --env NAME [options]
  up [--dry-run] [--hub-url URL] [--kube-api URL]
                               validate, synthesize, policy guard, deploy archive, cluster, platform,
                               wait for the hub, smoke test, print the hub and Grafana addresses
                               (--dry-run prints every command and changes nothing)
  status [--hub-url URL] [--kube-api URL] [--since YYYY-MM-DD] [--json]
                               users, servers, nodes per pool, placeholders, cost so far vs plan
                               (hub token: JUPYTERHUB_API_TOKEN, else the hub Secret via --kube-api)
  orphans [--json] [--clean]   AWS resources still tagged for the environment or its cluster
  down [--no-export] [--kube-api URL] [--prometheus-url URL] [--since TIME]
       [--confirm NAME] [--hub-url URL] [--clean] [--json]
                               export homes, shared folder and usage report to the archive
                               (a Job through --kube-api, token KUBE_TOKEN; report from
                               Prometheus since TIME, default 7 days ago), stop servers,
                               destroy platform then cluster, check orphans
  prewarm --users N [--until TIME] [--timeout SECONDS] [--kube-api URL] [--dry-run] [--json]
                               scale the user placeholders to hold N users' servers and wait
                               until they run on Ready nodes (timeout default: the default
                               profile's start timeout); --until HH:MM (event time zone) or
                               an ISO date-time with offset: a Job in the cluster sets the
                               count config gives for then (token from KUBE_TOKEN; URL also
                               from KUBE_API_URL)
  loadtest [--users N] [--hub-url URL] [--dry-run] [--json]
                               hub-stress with the event's users (default hub.peakUsers) and
                               the hub's spawn limit; exit 1 when a target is missed (p95
                               server start, none failed, none left behind). Token from
                               JUPYTERHUB_API_TOKEN; URL also from JUPYTERHUB_API_URL, else
                               https://<hub.domain.name>/hub/api
`;

class UsageError extends Error {}

/** The options each step takes, besides --env, --json and --help. */
const STEP_OPTIONS: Readonly<Record<(typeof STEPS)[number], readonly string[]>> = {
  up: ['dry-run', 'hub-url', 'kube-api'],
  status: ['hub-url', 'kube-api', 'since'],
  orphans: ['clean'],
  down: ['confirm', 'no-export', 'hub-url', 'clean', 'kube-api', 'prometheus-url', 'since'],
  prewarm: ['users', 'until', 'timeout', 'kube-api', 'dry-run'],
  loadtest: ['users', 'hub-url', 'dry-run'],
};

function wholeNumber(flag: string, raw: string | undefined): number {
  if (raw === undefined) throw new UsageError(`${flag}: missing; pass ${flag} N`);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10_000)
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not a whole number from 1 to 10000`);
  return n;
}

function boundedNumber(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max)
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`);
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

/**
 * `prewarm`: the plan, then (unless --dry-run) the undo Job for --until, the scale request,
 * and the wait until the placeholders run on Ready nodes. 1 when not warm in time.
 */
async function prewarm(
  env: Environment,
  log: StepLog,
  users: number,
  kubeApi: string | undefined,
  values: { until?: string; timeout?: string; 'dry-run': boolean },
  json: boolean,
): Promise<number> {
  const now = new Date();
  const zone = eventTimeZone(env);
  let plan;
  let until: Date | undefined;
  try {
    until = values.until === undefined ? undefined : parseUntil(values.until, zone, now);
    plan = planPrewarm(env, users);
  } catch (error) {
    // Bad --until, or more users than the pool holds: said before anything is sent.
    if (error instanceof UntilError || error instanceof Error) throw new UsageError(error.message);
    throw error;
  }
  const timeoutS =
    values.timeout === undefined
      ? profileStartTimeout(env, defaultProfile(env))
      : boundedNumber('--timeout', values.timeout, 10, 7200);
  const undo = until ? configuredPlaceholders(env, until) : undefined;
  const job = until && undo ? undoJob(undo.count, until, now) : undefined;
  log.say(
    `${env.name}: ${plan.users} users of profile '${plan.profile}' need ${plan.nodes} ${plan.instanceType} ` +
      `node(s) at ${plan.usersPerNode} per node: ${plan.placeholders} placeholders`,
  );
  if (until && undo)
    log.say(
      `until ${until.toISOString()} (${until.toLocaleString('en-GB', { timeZone: zone, timeZoneName: 'short' })}): ` +
        `then back to ${undo.count} placeholders (${undo.source}), by Job ${job?.name} in the cluster`,
    );
  const result = {
    environment: env.name,
    ...plan,
    until: until?.toISOString(),
    undo: undo && { count: undo.count, source: undo.source, job: job?.name },
  };
  if (values['dry-run']) {
    if (json) console.log(JSON.stringify({ ...result, scaled: false }));
    return 0;
  }
  const api = { url: kubeApi as string, token: process.env.KUBE_TOKEN };
  if (job) {
    const created = await scheduleUndo(api, job);
    log.say(
      created
        ? `Job jupyterhub/${job.name} created: it scales back at ${until?.toISOString()}, whether or not this machine is on`
        : `Job jupyterhub/${job.name} exists already: that undo is scheduled`,
    );
  }
  await scalePlaceholders(api, plan.placeholders);
  log.say(
    `user-placeholder scaled to ${plan.placeholders}; waiting up to ${timeoutS} s for them to run on Ready nodes`,
  );
  const status = await waitUntilWarm(api, plan.placeholders, plan.pool, {
    timeoutMs: timeoutS * 1000,
    pollMs: 5_000,
    say: (line) => log.say(line),
  });
  if (status.warm) log.say(`warm: ${plan.placeholders} placeholders running on Ready nodes`);
  else
    log.say(
      `not warm after ${timeoutS} s: the autoscaler may be at pool ${plan.pool}'s max size or short of EC2 quota; ` +
        'see kubectl -n jupyterhub describe pods -l component=user-placeholder',
    );
  if (json) console.log(JSON.stringify({ ...result, scaled: true, status }));
  return status.warm ? 0 : 1;
}

/** `loadtest`: hub-stress with the event's users and spawn limit; 1 when a target is missed. */
async function loadtest(
  env: Environment,
  users: number | undefined,
  hubUrl: string | undefined,
  dryRun: boolean,
  json: boolean,
): Promise<number> {
  let plan;
  try {
    plan = planLoadTest(env, users);
  } catch (error) {
    if (error instanceof LoadTestInputError) throw new UsageError(error.message);
    throw error;
  }
  const url = hubUrl || process.env.JUPYTERHUB_API_URL || `https://${env.hub.domain.name}/hub/api`;
  const token = process.env.JUPYTERHUB_API_TOKEN;
  if (!dryRun && !token)
    throw new UsageError('JUPYTERHUB_API_TOKEN: missing; the load test needs an admin token');
  const log = openStepLog(env.name, 'loadtest', json);
  if (dryRun) {
    log.say(
      `${env.name}: would start ${plan.users} servers of profile '${plan.profile}' at ${url} through the hub's ` +
        `spawn limit ${plan.spawnLimit}, at most ${plan.pending} pending; targets: p95 server start ` +
        `<= ${plan.p95StartSeconds} s (${plan.p95Source}), none failed, none left behind`,
    );
    if (json) console.log(JSON.stringify({ environment: env.name, hub: url, plan, dryRun: true }));
    return 0;
  }
  const outcome = await runLoadTest(plan, { url, token: token as string }, log);
  if (json)
    console.log(
      JSON.stringify(
        {
          environment: env.name,
          hub: url,
          plan,
          targets: outcome.targets,
          left: outcome.left,
          report: outcome.report,
          log: log.path,
        },
        null,
        2,
      ),
    );
  return outcome.code;
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
        'prometheus-url': { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        timeout: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [step, ...extra] = positionals;
    if (!step) throw new UsageError('<step>: missing; give one of ' + STEPS.join(', '));
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
    const users =
      step === 'prewarm' || values.users !== undefined ? wholeNumber('--users', values.users) : undefined;
    if (step === 'loadtest') return await loadtest(env, users, values['hub-url'], values['dry-run'], json);
    const kubeApi = values['kube-api'] ?? process.env.KUBE_API_URL;
    if (step === 'prewarm' && !kubeApi && !values['dry-run'])
      throw new UsageError('--kube-api: missing; pass --kube-api URL (or KUBE_API_URL), or --dry-run');
    const log = openStepLog(env.name, step, json);
    if (step === 'orphans') {
      const left = await orphans(env, log, { json, clean: values.clean });
      return left ? 1 : 0;
    }
    if (step === 'prewarm') return await prewarm(env, log, users as number, kubeApi, values, json);
    const hubUrl = values['hub-url'] ?? process.env.JUPYTERHUB_API_URL;
    const token = process.env.JUPYTERHUB_API_TOKEN;
    if (hubUrl && !token)
      throw new UsageError('JUPYTERHUB_API_TOKEN: missing; the hub API needs an admin token');
    const since = values.since === undefined ? undefined : new Date(values.since);
    if (since && Number.isNaN(since.getTime()))
      throw new UsageError(
        `--since: ${JSON.stringify(values.since)} is not a time such as 2026-08-10T09:00Z`,
      );
    let exported: ExportRecord | undefined;
    const exportData =
      kubeApi && !values['no-export']
        ? async () =>
            (exported = await exportEvent(env, log, {
              kube: { url: kubeApi, token: process.env.KUBE_TOKEN },
              prometheusUrl: values['prometheus-url'] ?? process.env.PROMETHEUS_URL,
              since,
            }))
        : undefined;
    const code = await runDown({
      environment: env.name,
      stacks: { platform: stackId('platform', env), cluster: stackId('cluster', env) },
      confirm: values.confirm,
      noExport: values['no-export'],
      exportData,
      hub: hubUrl && token ? { url: hubUrl, token } : undefined,
      cdktf: cdktf(log),
      orphanCheck: () => orphans(env, log, { json: false, clean: values.clean }),
      log,
    });
    if (json)
      console.log(
        JSON.stringify({
          environment: env.name,
          done: code === 0,
          log: log.path,
          ...(exported ? { export: exported } : {}),
        }),
      );
    return code;
  } catch (error) {
    const message = (error as Error).message;
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof RefusedError ||
      error instanceof LoadTestInputError ||
      (error instanceof HubStressError && error.exitCode === 2) ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`event: ${message}${error instanceof UsageError ? `\n${USAGE}` : ''}`);
    if (json) console.log(JSON.stringify({ error: message }));
    return usage ? 2 : 1;
  }
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
