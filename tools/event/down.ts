/**
 * `down`: the teardown, in the order that leaves nothing behind: export the homes, the
 * shared folder and the usage report to the archive (which `down` never destroys), stop
 * every user server, destroy the platform stack (so the load balancers and volumes
 * Kubernetes made go with their Services and claims), then the cluster stack, then look
 * for orphans. A state file records each step done (and where the export went), so that
 * after a failure the same command continues where it stopped instead of starting over.
 * Only a teardown that completes ends the event in the record `status` reads.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Cdktf } from './cdktf';
import { HubApi, stopAllServers } from './hub-servers';
import { eventDir, StepLog } from './step-log';
import { recordDown } from './up-record';

export const DOWN_STEPS = [
  'export',
  'stop-servers',
  'destroy-platform',
  'destroy-cluster',
  'orphans',
] as const;
export type DownStep = (typeof DOWN_STEPS)[number];

/** Input `down` refuses before it changes anything. */
export class RefusedError extends Error {}

/** Where the export went: written into the state file when it completes. */
export interface ExportRecord {
  readonly bucket: string;
  readonly prefix: string;
  readonly objects: number;
  readonly bytes: number;
}

export interface DownState {
  readonly environment: string;
  readonly done: DownStep[];
  /** The completed export; absent when it was skipped with --no-export. */
  readonly export?: ExportRecord;
}

export function statePath(environment: string): string {
  return join(eventDir(), `${environment}-down.state.json`);
}

export function readState(environment: string): DownState {
  const path = statePath(environment);
  if (!existsSync(path)) return { environment, done: [] };
  const state = JSON.parse(readFileSync(path, 'utf8')) as DownState;
  const unknown = state.done.filter((s) => !DOWN_STEPS.includes(s));
  if (state.environment !== environment || unknown.length)
    throw new Error(`${path}: not a down state file of ${environment}; remove it to start over`);
  return state;
}

function markDone(state: DownState, step: DownStep, extra: Partial<DownState> = {}): DownState {
  const next = { ...state, ...extra, done: [...state.done, step] };
  writeFileSync(statePath(state.environment), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

export interface DownOptions {
  readonly environment: string;
  /** The stack ids, platform then cluster (lib/naming.ts stackId). */
  readonly stacks: { readonly platform: string; readonly cluster: string };
  /** The environment's name typed again; required for `prod`. */
  readonly confirm?: string;
  /** Destroy without an export having completed. */
  readonly noExport: boolean;
  /**
   * Exports the homes, the shared folder and the report to the archive; resolves when every
   * file is there. Required until the export is done, unless `noExport`. @default none
   */
  readonly exportData?: () => Promise<ExportRecord>;
  /** Where to stop the servers; required until that step is done. */
  readonly hub?: HubApi;
  readonly cdktf: Cdktf;
  /** Looks for orphans (and removes them when asked); resolves with how many are left. */
  readonly orphanCheck: () => Promise<number>;
  readonly log: StepLog;
}

/** Checks everything `down` refuses, before any step runs. */
export function checkDown(options: DownOptions, state: DownState): void {
  const { environment, confirm } = options;
  if (environment === 'prod' && confirm !== environment)
    throw new RefusedError(
      `--confirm: ${confirm === undefined ? 'missing' : JSON.stringify(confirm)}; destroying prod needs its name typed again: --confirm prod`,
    );
  if (confirm !== undefined && confirm !== environment)
    throw new RefusedError(
      `--confirm: ${JSON.stringify(confirm)} is not the environment's name ${environment}`,
    );
  if (!state.done.includes('export') && !options.noExport && !options.exportData)
    throw new RefusedError(
      `no export of ${environment} has completed, and none can run without the cluster's API ` +
        '(--kube-api URL or KUBE_API_URL, token in KUBE_TOKEN); pass --no-export to destroy without one',
    );
  if (!state.done.includes('stop-servers') && !options.hub)
    throw new RefusedError(
      '--hub-url: missing; stopping the servers needs the hub API (--hub-url or JUPYTERHUB_API_URL, ' +
        'and JUPYTERHUB_API_TOKEN)',
    );
}

/**
 * Runs the steps not yet done, in order. Resolves with 0 when the environment is gone and
 * nothing is left, 1 when a step failed or orphans remain (run it again to continue).
 */
export async function runDown(options: DownOptions): Promise<number> {
  let state = readState(options.environment);
  checkDown(options, state);
  const { log, cdktf } = options;
  if (state.done.length) log.say(`continuing: already done ${state.done.join(', ')}`);
  if (!state.done.includes('export')) {
    if (options.noExport) {
      log.say('export: skipped (--no-export)');
      state = markDone(state, 'export');
    } else {
      let record: ExportRecord;
      try {
        record = await (options.exportData as () => Promise<ExportRecord>)();
      } catch (error) {
        log.say(`export: failed: ${(error as Error).message}`);
        log.say('nothing was destroyed; run the same command again to retry the export');
        return 1;
      }
      log.say(
        `export: ${record.objects} files, ${record.bytes} bytes in s3://${record.bucket}/${record.prefix}/`,
      );
      state = markDone(state, 'export', { export: record });
    }
  } else if (state.export) {
    log.say(`export: done before, in s3://${state.export.bucket}/${state.export.prefix}/`);
  }
  const destroy = async (step: DownStep, stack: string) => {
    const args = ['destroy', stack, '--auto-approve'];
    log.say(`${step}: ${cdktf.describe(args)}`);
    const code = await cdktf.run(args);
    if (code !== 0) throw new Error(`${cdktf.describe(args)} exited ${code} (its output is in ${log.path})`);
  };
  const steps: Record<Exclude<DownStep, 'export'>, () => Promise<boolean>> = {
    'stop-servers': async () => {
      const stopped = await stopAllServers(options.hub as HubApi, (line) => log.say(`stop-servers: ${line}`));
      log.say(`stop-servers: ${stopped} stopped, none left`);
      return true;
    },
    'destroy-platform': async () => (await destroy('destroy-platform', options.stacks.platform), true),
    'destroy-cluster': async () => (await destroy('destroy-cluster', options.stacks.cluster), true),
    orphans: async () => (await options.orphanCheck()) === 0,
  };
  for (const step of DOWN_STEPS) {
    if (step === 'export' || state.done.includes(step)) continue;
    try {
      if (!(await steps[step]())) {
        log.say(`${step}: resources are left; remove them (orphans --clean) and run down again`);
        return 1;
      }
    } catch (error) {
      log.say(`${step}: failed: ${(error as Error).message}`);
      log.say('run the same command again to continue from this step');
      return 1;
    }
    state = markDone(state, step);
  }
  log.say(`${options.environment} is down and nothing is left; the state file is removed`);
  recordDown(options.environment);
  rmSync(statePath(options.environment), { force: true });
  return 0;
}
