/**
 * checkov, an independent policy scanner, run on every synthesized stack beside our own
 * guard. Its failed checks must be fixed or accepted in policy/checkov-accepted-risks.json
 * (same shape as the guard's accepted risks: check id, stack and resource globs, and a
 * justification); an acceptance that matches no failure is stale and fails too.
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { PROJECT_ROOT } from '../../lib/project-paths';
import { AcceptedRisk, glob, loadAcceptedRisks, matchesRisk } from '../policy/accepted-risks';

export const CHECKOV_ACCEPTED_RISKS_FILE = join(PROJECT_ROOT, 'policy', 'checkov-accepted-risks.json');

/** checkov's own environment, made by `bash .ci/setup-python.sh python/requirements-checkov.txt .venv-checkov`. */
export const CHECKOV_BIN = join(PROJECT_ROOT, '.venv-checkov', 'bin', 'checkov');

export interface CheckResult {
  readonly check: string;
  readonly title: string;
  readonly resource: string;
}

export interface StackScan {
  readonly stack: string;
  readonly passed: number;
  readonly skipped: number;
  readonly failed: readonly CheckResult[];
  /** Every check id that ran on the stack, passed or failed. */
  readonly checksRun: ReadonlySet<string>;
}

interface CheckovCheck {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
  readonly file_abs_path: string;
}

interface CheckovJson {
  readonly results?: {
    readonly passed_checks?: readonly CheckovCheck[];
    readonly failed_checks?: readonly CheckovCheck[];
    readonly skipped_checks?: readonly CheckovCheck[];
  };
}

/** A stack to scan: its id and the path of its cdk.tf.json. */
export interface StackFile {
  readonly stack: string;
  readonly file: string;
}

/**
 * checkov's graph checks name a resource `resource.<name>`, without its type; the address
 * in the stack (`<type>.<name>`) is what accepted risks and the guard use.
 */
function terraformAddress(reported: string, file: string): string {
  const name = /^resource\.(.+)$/.exec(reported)?.[1];
  if (!name) return reported;
  const resources: Record<string, Record<string, unknown>> = JSON.parse(readFileSync(file, 'utf8'))
    .resource ?? {};
  const type = Object.keys(resources).find((t) => name in resources[t]);
  return type ? `${type}.${name}` : reported;
}

/** Splits checkov's `-o json` report of several files into one scan per stack. */
export function parseCheckovReport(stacks: readonly StackFile[], report: CheckovJson): StackScan[] {
  if (!report.results) {
    throw new Error(
      `checkov checked nothing in ${stacks.map((s) => s.file).join(', ')} (it reads files named *.tf.json)`,
    );
  }
  const { passed_checks = [], failed_checks = [], skipped_checks = [] } = report.results;
  return stacks.map(({ stack, file }) => {
    const own = (checks: readonly CheckovCheck[]) =>
      checks.filter((c) => resolve(c.file_abs_path) === resolve(file));
    const failed = own(failed_checks).map((c) => ({
      check: c.check_id,
      title: c.check_name,
      resource: terraformAddress(c.resource, file),
    }));
    const passed = own(passed_checks);
    return {
      stack,
      passed: passed.length,
      skipped: own(skipped_checks).length,
      failed,
      checksRun: new Set([...passed.map((c) => c.check_id), ...failed.map((c) => c.check)]),
    };
  });
}

/**
 * Runs checkov once on the stacks' cdk.tf.json files (one process: its start-up costs more
 * than a scan). Offline: it never downloads guidelines or policies.
 */
export function scanStacks(stacks: readonly StackFile[], checkov = CHECKOV_BIN): StackScan[] {
  const files = stacks.flatMap(({ file }) => ['-f', file]);
  const run = spawnSync(
    checkov,
    [...files, '--framework', 'terraform_json', '-o', 'json', '--skip-download', '--soft-fail'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (run.error || run.status === 127) {
    throw new Error(
      `cannot run ${checkov}: create it with \`bash .ci/setup-python.sh python/requirements-checkov.txt .venv-checkov\``,
    );
  }
  if (run.status !== 0)
    throw new Error(`checkov exited ${run.status}: ${run.stderr.trim().split('\n').pop()}`);
  const report = JSON.parse(run.stdout) as CheckovJson | CheckovJson[];
  // One framework gives one report; checkov answers with a list only when it ran several.
  return parseCheckovReport(stacks, Array.isArray(report) ? report[0] : report);
}

export interface Verdict {
  readonly scans: readonly StackScan[];
  /** Failed checks that no acceptance covers. */
  readonly unaccepted: readonly (CheckResult & { readonly stack: string })[];
  readonly accepted: number;
  /** Acceptances that matched no failure, and problems with the acceptances file. */
  readonly errors: readonly string[];
}

/** Holds the scans to the accepted risks: what fails, what is accepted, what is stale. */
export function judge(
  scans: readonly StackScan[],
  risks: readonly AcceptedRisk[],
  fileErrors: readonly string[],
): Verdict {
  const used = new Set<AcceptedRisk>();
  const unaccepted: (CheckResult & { stack: string })[] = [];
  let accepted = 0;
  for (const scan of scans) {
    for (const failure of scan.failed) {
      const asViolation = { rule: failure.check, stack: scan.stack, address: failure.resource };
      const risk = risks.find((r) => matchesRisk(r, asViolation));
      if (risk) {
        used.add(risk);
        accepted++;
      } else unaccepted.push({ ...failure, stack: scan.stack });
    }
  }
  const stale = risks
    .filter((r) => !used.has(r))
    // An acceptance for a stack that was not scanned is not stale: that synth left it out.
    .filter((r) => scans.some((s) => glob(r.stack).test(s.stack)))
    .map((r) => `stale accepted risk: ${r.rule} ${r.stack} ${r.resource} matches no failed check`);
  return { scans, unaccepted, accepted, errors: [...fileErrors, ...stale] };
}

/** Loads the acceptances, checking each names a check that ran. */
export function loadCheckovRisks(scans: readonly StackScan[], path = CHECKOV_ACCEPTED_RISKS_FILE) {
  const checks = new Set(scans.flatMap((s) => [...s.checksRun]));
  return loadAcceptedRisks(path, checks);
}
