/**
 * For the pull-request workflow: runs `terraform init` and `terraform plan` for each changed
 * stack of a synth output, in dependency order, and records per stack either the plan
 * (`terraform show -json`) or a note saying why there is none: local state (nothing to
 * plan against in CI), a platform stack whose cluster does not exist yet, a failed plan.
 * Plans run with `-lock=false`, so a read-only role is enough.
 */
import { spawnSync } from 'child_process';
import { existsSync, writeFileSync } from 'fs';
import { join } from 'path';
import { SynthOutput } from '../policy/synth-output';
import { Json } from '../policy/types';

export interface StackPlan {
  readonly stack: string;
  /** `terraform show -json` of the plan, when one was made. */
  readonly planJson?: string;
  /** Why there is no plan, in words. */
  readonly note?: string;
}

/** Runs a command; returns its status and output (never throws for a non-zero exit). */
export type Runner = (
  command: string,
  args: readonly string[],
  cwd: string,
) => { status: number; stdout: string; stderr: string };

export const spawnRunner: Runner = (command, args, cwd) => {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) return { status: 127, stdout: '', stderr: r.error.message };
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

const TAIL = 1500;
const tail = (text: string): string => (text.length > TAIL ? `...${text.slice(-TAIL)}` : text).trim();

/** Whether the stack keeps its state somewhere CI can read (the S3 backend). */
function remoteState(json: Json): boolean {
  return json?.terraform?.backend?.s3 !== undefined;
}

/**
 * Plans `stacks` (ids, in dependency order) of the synth output in `synthDir`; a stack's
 * folder is `<synthDir>/stacks/<id>`. `region` of a platform stack comes from its provider.
 */
export function planStacks(
  synthDir: string,
  synth: SynthOutput,
  stacks: readonly string[],
  run: Runner = spawnRunner,
  terraform = 'terraform',
): StackPlan[] {
  const out: StackPlan[] = [];
  for (const id of stacks) {
    const view = synth.stack(id);
    if (!view) {
      out.push({
        stack: id,
        note: 'removed from the application: nothing to plan (its resources stay until destroyed)',
      });
      continue;
    }
    if (!remoteState(view.json)) {
      out.push({
        stack: id,
        note: 'keeps its state in a local file, so there is no state to plan against in CI',
      });
      continue;
    }
    const lookup = view.resources('data.aws_eks_cluster')[0];
    const cluster = synth.clusterName(view);
    if (lookup && cluster) {
      const region = view.json.provider?.aws?.[0]?.region;
      const check = run(
        'aws',
        [
          'eks',
          'describe-cluster',
          '--name',
          cluster,
          ...(region ? ['--region', region] : []),
          '--output',
          'json',
        ],
        process.cwd(),
      );
      if (check.status !== 0) {
        out.push({
          stack: id,
          note: check.stderr.includes('ResourceNotFoundException')
            ? `the cluster ${cluster} does not exist yet: this stack can be planned once its cluster stack is applied`
            : `could not look up the cluster ${cluster}: ${tail(check.stderr)}`,
        });
        continue;
      }
    }
    const dir = join(synthDir, 'stacks', id);
    const init = run(terraform, ['init', '-input=false', '-no-color'], dir);
    if (init.status !== 0) {
      out.push({ stack: id, note: `terraform init failed: ${tail(init.stderr || init.stdout)}` });
      continue;
    }
    const plan = run(terraform, ['plan', '-input=false', '-no-color', '-lock=false', '-out=pr.tfplan'], dir);
    if (plan.status !== 0) {
      out.push({ stack: id, note: `terraform plan failed: ${tail(plan.stderr || plan.stdout)}` });
      continue;
    }
    const show = run(terraform, ['show', '-json', 'pr.tfplan'], dir);
    if (show.status !== 0) {
      out.push({ stack: id, note: `terraform show failed: ${tail(show.stderr)}` });
      continue;
    }
    const file = join(dir, 'pr-plan.json');
    writeFileSync(file, show.stdout);
    out.push({ stack: id, planJson: existsSync(file) ? file : undefined });
  }
  return out;
}
