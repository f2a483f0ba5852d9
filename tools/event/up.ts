/**
 * `up`: stands an environment's hub up, in the order that works in one pass: validate the
 * configuration, synthesize once, run the policy guard on exactly what was synthesized,
 * deploy the archive stack, the cluster stack, then the platform stack (all from that synth,
 * `--skip-synth`),
 * wait until the hub answers, run the smoke test, and print where the hub and Grafana are.
 * Each step says what it runs; with `dryRun` that is all it does. A failed step stops the
 * run; running `up` again repeats every step (a deploy of an unchanged stack changes
 * nothing).
 */
import { existsSync, readFileSync } from 'fs';
import { Cdktf } from './cdktf';
import { HubApi } from './hub-servers';
import { SmokeTestResult } from './smoke-test';
import { StepLog } from './step-log';
import { recordUp } from './up-record';

export const UP_STEPS = [
  'validate',
  'synth',
  'policy',
  'deploy-archive',
  'deploy-cluster',
  'deploy-platform',
  'wait-for-hub',
  'smoke-test',
  'addresses',
] as const;
export type UpStep = (typeof UP_STEPS)[number];

export interface UpOptions {
  readonly environment: string;
  /** The stack ids (lib/naming.ts stackId). */
  readonly stacks: { readonly archive: string; readonly cluster: string; readonly platform: string };
  /** Where the synth goes and the deploys read it from. */
  readonly outDir: string;
  /** Where cdktf writes the deployed stacks' outputs. */
  readonly outputsFile: string;
  /** Print every command, run none. */
  readonly dryRun: boolean;
  /** Validates the configuration; throws (a ConfigError) naming every problem. */
  readonly validate: () => void;
  readonly cdktf: Cdktf;
  /** The policy guard on a synth folder: its exit code (0 passed). */
  readonly policy: {
    readonly run: (dir: string) => number;
    readonly describe: (dir: string) => string;
  };
  readonly hub: {
    /** The hub API, e.g. https://hub.example.org/hub/api */
    readonly apiUrl: string;
    /** Fetches the token once the hub is there; never printed. */
    readonly token: () => Promise<string>;
    /** Where the token comes from, for --dry-run. */
    readonly tokenSource: string;
  };
  /** How long to wait for the hub to answer, and how often to ask. @default 15 min, every 10 s */
  readonly waitForHub?: { readonly timeoutMs?: number; readonly pollMs?: number };
  readonly smokeTest: (api: HubApi, signal: AbortSignal) => Promise<SmokeTestResult>;
  /** The smoke test's calls, for --dry-run. */
  readonly smokeTestPlan: readonly string[];
  readonly addresses: { readonly hub: string; readonly grafana?: string };
  /**
   * Checked after the cluster is deployed, before the platform: a reason the platform
   * cannot be deployed from here yet (say, the cluster API reachable only through a port
   * forward that is not open), given the cluster stack's outputs. @default none
   */
  readonly platformPreflight?: (clusterOutputs: Readonly<Record<string, string>>) => string | undefined;
  /** Ctrl-C. @default never */
  readonly signal?: AbortSignal;
  readonly log: StepLog;
}

class StepFailed extends Error {}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** GETs the hub API's root (it answers without a token) until it answers with its version. */
export async function waitForHub(
  apiUrl: string,
  say: (line: string) => void,
  options: { readonly timeoutMs?: number; readonly pollMs?: number; readonly signal?: AbortSignal } = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const pollMs = options.pollMs ?? 10_000;
  const started = Date.now();
  for (;;) {
    let why: string;
    try {
      const response = await fetch(`${apiUrl.replace(/\/$/, '')}/`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(Math.min(30_000, timeoutMs)),
      });
      const text = await response.text();
      const version = response.ok ? (JSON.parse(text) as { version?: string }).version : undefined;
      if (version) return version;
      why = `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      why = cause?.code ?? cause?.message ?? (error as Error).message;
    }
    const waited = Math.round((Date.now() - started) / 1000);
    if (options.signal?.aborted) throw new StepFailed('interrupted (Ctrl-C)');
    if (Date.now() - started >= timeoutMs)
      throw new StepFailed(`the hub at ${apiUrl} did not answer within ${waited} s (last: ${why})`);
    say(
      `wait-for-hub: ${apiUrl} not answering yet (${why}), ${waited} s of at most ${Math.round(timeoutMs / 1000)} s`,
    );
    await sleep(pollMs, options.signal);
  }
}

/** The string outputs of a stack in cdktf's outputs file; none when there is no file. */
export function stackOutputs(file: string, stack: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    return Object.fromEntries(
      Object.entries(all[stack] ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {};
  }
}

/** Runs `up`; resolves with 0 when the hub is up and passed its smoke test, 1 otherwise. */
export async function runUp(options: UpOptions): Promise<number> {
  const { log, cdktf, dryRun, outDir, signal } = options;
  const wait = options.waitForHub ?? {};
  const deploy = (stack: string) => [
    'deploy',
    stack,
    '--skip-synth',
    '--output',
    outDir,
    '--auto-approve',
    '--outputs-file',
    options.outputsFile,
  ];
  const runCdktf = async (step: UpStep, args: string[]) => {
    log.say(`${step}: ${cdktf.describe(args)}`);
    if (dryRun) return;
    const code = await cdktf.run(args);
    if (signal?.aborted) throw new StepFailed(`interrupted (Ctrl-C) during ${cdktf.describe(args)}`);
    if (code !== 0)
      throw new StepFailed(`${cdktf.describe(args)} exited ${code} (its output is in ${log.path})`);
  };
  const steps: Record<UpStep, () => Promise<void>> = {
    validate: async () => {
      options.validate();
      log.say(`validate: the configuration of ${options.environment} is valid`);
    },
    synth: () => runCdktf('synth', ['synth', '--output', outDir]),
    policy: async () => {
      log.say(`policy: ${options.policy.describe(outDir)}`);
      if (dryRun) return;
      const code = options.policy.run(outDir);
      if (code !== 0)
        throw new StepFailed(
          `the policy guard failed (exit ${code}) on ${outDir}; its report is in ${log.path}`,
        );
      log.say('policy: passed');
    },
    // The archive first: `down` exports into it, and it outlives the cluster.
    'deploy-archive': () => runCdktf('deploy-archive', deploy(options.stacks.archive)),
    'deploy-cluster': () => runCdktf('deploy-cluster', deploy(options.stacks.cluster)),
    'deploy-platform': async () => {
      const blocked = dryRun
        ? undefined
        : options.platformPreflight?.(stackOutputs(options.outputsFile, options.stacks.cluster));
      if (blocked) throw new StepFailed(blocked);
      await runCdktf('deploy-platform', deploy(options.stacks.platform));
    },
    'wait-for-hub': async () => {
      const bound = Math.round((wait.timeoutMs ?? 15 * 60_000) / 1000);
      log.say(`wait-for-hub: GET ${options.hub.apiUrl}/ until the hub answers (at most ${bound} s)`);
      if (dryRun) return;
      const version = await waitForHub(options.hub.apiUrl, (l) => log.say(l), { ...wait, signal });
      log.say(`wait-for-hub: JupyterHub ${version} answers`);
    },
    'smoke-test': async () => {
      if (dryRun) {
        log.say(`smoke-test: with the hub token from ${options.hub.tokenSource}:`);
        for (const line of options.smokeTestPlan) log.say(`  ${line}`);
        return;
      }
      const token = await options.hub.token();
      const result = await options.smokeTest(
        { url: options.hub.apiUrl, token },
        signal ?? new AbortController().signal,
      );
      if (!result.ok) throw new StepFailed(`smoke test failed: ${result.error}`);
      log.say(`smoke-test: passed; the server started in ${result.startSeconds?.toFixed(1)} s`);
    },
    addresses: async () => {
      if (dryRun) return;
      log.say(`${options.environment} is up.`);
      log.say(`  hub:     ${options.addresses.hub}`);
      log.say(
        `  grafana: ${options.addresses.grafana ?? `none (${options.environment} reports to no monitoring deployment)`}`,
      );
      for (const [name, value] of Object.entries(stackOutputs(options.outputsFile, options.stacks.cluster)))
        if (/command$/.test(name)) log.say(`  ${name}: ${value}`);
    },
  };
  if (dryRun)
    log.say(`up --dry-run: what up would run for ${options.environment}; nothing is run or changed`);
  for (const step of UP_STEPS) {
    if (signal?.aborted) {
      log.say(`${step}: not started: interrupted (Ctrl-C)`);
      return 1;
    }
    try {
      await steps[step]();
    } catch (error) {
      if (!(error instanceof StepFailed) && step === 'validate') throw error;
      log.say(`${step}: failed: ${(error as Error).message}`);
      const after = UP_STEPS.slice(UP_STEPS.indexOf(step) + 1);
      if (after.length) log.say(`not run: ${after.join(', ')}`);
      return 1;
    }
  }
  // The first completed `up` starts the event; a later one (a redeploy) keeps that start.
  if (!dryRun) recordUp(options.environment);
  else
    log.say(
      `addresses: the hub at ${options.addresses.hub}, Grafana at ${options.addresses.grafana ?? 'none'}`,
    );
  return 0;
}
