/**
 * `tsx tools/diff/pr-comment.ts --diff <offline.json> --comment <file> --summary <file>
 *  [--plan --synth <cdktf.out>]`: what the pull-request workflow posts. Reads the offline
 * diff (`npm run diff -- --json`), with --plan runs terraform plan for each changed stack in
 * dependency order (plan-stacks.ts), and writes the comment body (marker, within GitHub's
 * limit) and the full text for the job summary. Exit 0 written, 2 bad usage or input.
 */
import { readFileSync, writeFileSync } from 'fs';
import { parseArgs } from 'util';
import { loadSynthDir } from '../policy/synth-output';
import { PlanSection, composeComment } from './comment';
import { DiffReport } from './compare';
import { StackPlan, planStacks } from './plan-stacks';
import { formatPlanMarkdown, summarizePlan } from './plan-summary';
import { formatMarkdown } from './report';

export const USAGE = `usage: tsx tools/diff/pr-comment.ts --diff <offline.json> --comment <file> --summary <file> [--plan --synth <dir>]
  --diff <file>     the offline diff as JSON (npm run diff -- --json)
  --comment <file>  where the comment body goes (with the marker, under 65,536 characters)
  --summary <file>  where the full text goes (for $GITHUB_STEP_SUMMARY)
  --plan            also run terraform plan for each changed stack (needs AWS credentials)
  --synth <dir>     the synth output the plans run in (default cdktf.out)`;

/** The plan sections for the changed stacks of `report`, in the report's (dependency) order. */
export function planSections(plans: readonly StackPlan[]): PlanSection[] {
  return plans.map((p) => ({
    stack: p.stack,
    markdown: p.planJson
      ? formatPlanMarkdown(summarizePlan(JSON.parse(readFileSync(p.planJson, 'utf8')), p.stack))
      : `### \`${p.stack}\`: no plan\n\n${p.note ?? ''}`,
  }));
}

function readReport(file: string): DiffReport {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(json?.stacks) || typeof json.base !== 'string') {
    throw new Error(`${file}: not the JSON of npm run diff -- --json (no stacks)`);
  }
  return json as DiffReport;
}

const PLANS_OFF =
  '_Terraform plans are off for this repository: set the repository variable `PLAN_ROLE_ARN` to a read-only role to add them (docs/pull-requests.md)._';

export function main(argv: readonly string[]): number {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        diff: { type: 'string' },
        comment: { type: 'string' },
        summary: { type: 'string' },
        plan: { type: 'boolean', default: false },
        synth: { type: 'string', default: 'cdktf.out' },
      },
      strict: true,
    });
    if (!values.diff || !values.comment || !values.summary)
      throw new Error(`--diff, --comment and --summary are required`);
    const report = readReport(values.diff);
    let plans: PlanSection[] | undefined;
    if (values.plan) {
      const synthDir = values.synth ?? 'cdktf.out';
      const changed = report.stacks
        .filter((s) => s.status === 'changed' || s.status === 'added')
        .map((s) => s.id);
      plans = planSections(planStacks(synthDir, loadSynthDir(synthDir), changed));
    }
    const { full, comment } = composeComment({
      offline: formatMarkdown(report),
      plans,
      footer: values.plan ? undefined : PLANS_OFF,
    });
    writeFileSync(values.comment, comment);
    writeFileSync(values.summary, full);
    return 0;
  } catch (error) {
    console.error(`pr-comment: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
