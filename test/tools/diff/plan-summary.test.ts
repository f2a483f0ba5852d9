/**
 * The plan-summary renderer on plans made by the real terraform binary: a provider-free
 * configuration of terraform_data resources, applied once, then changed so that the next
 * plan creates, updates, replaces (through triggers_replace) and destroys, shown with
 * `terraform show -json`.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { formatPlanMarkdown, summarizePlan } from '../../../tools/diff/plan-summary';
import { goTool } from '../../support/tools';

jest.setTimeout(120_000);

const FIRST = `
resource "terraform_data" "updated" {
  input = "one"
}
resource "terraform_data" "replaced" {
  triggers_replace = ["one"]
  input            = "same"
}
resource "terraform_data" "destroyed" {
  input = "bye"
}
resource "terraform_data" "secret" {
  input = sensitive("s3cret-one")
}
`;

const SECOND = `
resource "terraform_data" "updated" {
  input = "two"
}
resource "terraform_data" "replaced" {
  triggers_replace = ["two"]
  input            = "same"
}
resource "terraform_data" "created" {
  input = "hello"
}
resource "terraform_data" "secret" {
  input = sensitive("s3cret-two")
}
`;

let dir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let plan: any;

beforeAll(() => {
  const terraform = goTool('terraform');
  dir = mkdtempSync(join(tmpdir(), 'plan-summary-'));
  const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  const tf = (...args: string[]): string =>
    execFileSync(terraform, args, {
      cwd: dir,
      env,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  writeFileSync(join(dir, 'main.tf'), FIRST);
  tf('init', '-input=false', '-no-color');
  tf('apply', '-auto-approve', '-input=false', '-no-color');
  writeFileSync(join(dir, 'main.tf'), SECOND);
  tf('plan', '-input=false', '-no-color', '-out=plan.tfplan');
  plan = JSON.parse(tf('show', '-json', 'plan.tfplan'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('plan summary of a real terraform plan', () => {
  it('counts each kind of change as terraform planned it', () => {
    const summary = summarizePlan(plan, 'hub-cluster-prod');
    expect(summary.counts).toEqual({ create: 1, update: 2, replace: 1, destroy: 1 });
  });

  it("lists the replacement first, with the plan's own reason and replace_paths", () => {
    const summary = summarizePlan(plan, 'hub-cluster-prod');
    expect(
      summary.changes
        .slice(0, 2)
        .map((c) => `${c.action} ${c.address}`)
        .sort(),
    ).toEqual(['destroy terraform_data.destroyed', 'replace terraform_data.replaced']);
    const replaced = summary.changes.find((c) => c.action === 'replace')!;
    expect(replaced.replacePaths).toEqual(['triggers_replace']);
    expect(replaced.reason).toBe('an attribute that cannot be updated in place changes');
  });

  it('shows plain changes with their values and never a sensitive value', () => {
    const markdown = formatPlanMarkdown(summarizePlan(plan, 'hub-cluster-prod'));
    expect(markdown).toContain(
      '### `hub-cluster-prod`: Plan: 1 to add, 2 to change, 1 to replace, 1 to destroy.',
    );
    expect(markdown).toContain(
      '- update terraform_data.updated: input: "one" -> "two"; output: known after apply',
    );
    expect(markdown).toContain('- update terraform_data.secret: input (sensitive)');
    expect(markdown).toContain('- replace terraform_data.replaced:');
    expect(markdown).not.toMatch(/s3cret/);
    // terraform_data holds nothing an organiser would miss: no danger block.
    expect(markdown).not.toContain('[!CAUTION]');
  });

  it('highlights the destroy of something that holds data, first', () => {
    // The same real plan, with the destroyed resource standing in for the file system.
    const efsPlan = JSON.parse(JSON.stringify(plan));
    const gone = efsPlan.resource_changes.find(
      (rc: { address: string }) => rc.address === 'terraform_data.destroyed',
    );
    gone.type = 'aws_efs_file_system';
    gone.address = 'aws_efs_file_system.home';
    const summary = summarizePlan(efsPlan, 'hub-cluster-prod');
    expect(summary.changes[0]).toMatchObject({ action: 'destroy', address: 'aws_efs_file_system.home' });
    expect(formatPlanMarkdown(summary)).toContain(
      "> - `aws_efs_file_system.home` (destroy): the EFS file system: every user's home directory and the shared folder",
    );
  });
});
