/**
 * Which stacks the pull-request workflow plans, in which order, and what it says instead of
 * a plan. The real stacks; `aws` and `terraform` are stood in for by a recorder (no AWS
 * account here), answering as the AWS CLI does for a cluster that does not exist.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SynthOutput } from '../../../tools/policy/synth-output';
import { Runner, planStacks } from '../../../tools/diff/plan-stacks';
import { synthStacks } from '../../support/synth';

const NOT_FOUND =
  'An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: hub-prod.';

describe('planning the changed stacks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-stacks-'));
    mkdirSync(join(dir, 'stacks', 'hub-cluster-prod'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plans remote-state stacks read-only, and says why the others have no plan', () => {
    const calls: string[] = [];
    const run: Runner = (command, args, cwd) => {
      calls.push(`${command} ${args.join(' ')} @${cwd.replace(dir, '<synth>')}`);
      if (command === 'aws') return { status: 254, stdout: '', stderr: NOT_FOUND };
      return { status: 0, stdout: args[0] === 'show' ? '{"resource_changes":[]}' : '', stderr: '' };
    };
    const synth = SynthOutput.fromJson(synthStacks());
    const plans = planStacks(dir, synth, ['hub-cluster-dev', 'hub-cluster-prod', 'hub-platform-prod'], run);

    expect(plans.map((p) => p.stack)).toEqual(['hub-cluster-dev', 'hub-cluster-prod', 'hub-platform-prod']);
    expect(plans[0].note).toMatch(/local file, so there is no state to plan against/);
    expect(plans[1].planJson).toBe(join(dir, 'stacks', 'hub-cluster-prod', 'pr-plan.json'));
    expect(readFileSync(plans[1].planJson!, 'utf8')).toBe('{"resource_changes":[]}');
    expect(plans[2].note).toBe(
      'the cluster hub-prod does not exist yet: this stack can be planned once its cluster stack is applied',
    );
    expect(calls).toEqual([
      'terraform init -input=false -no-color @<synth>/stacks/hub-cluster-prod',
      'terraform plan -input=false -no-color -lock=false -out=pr.tfplan @<synth>/stacks/hub-cluster-prod',
      'terraform show -json pr.tfplan @<synth>/stacks/hub-cluster-prod',
      expect.stringMatching(/^aws eks describe-cluster --name hub-prod --region us-west-2 --output json @/),
    ]);
  });

  it("shows the end of terraform's message when a plan fails", () => {
    const run: Runner = (_command, args) =>
      args[0] === 'plan'
        ? {
            status: 1,
            stdout: '',
            stderr: 'Error: error configuring S3 Backend: no valid credential sources',
          }
        : { status: 0, stdout: '', stderr: '' };
    const plans = planStacks(dir, SynthOutput.fromJson(synthStacks()), ['hub-cluster-prod'], run);
    expect(plans).toEqual([
      {
        stack: 'hub-cluster-prod',
        note: 'terraform plan failed: Error: error configuring S3 Backend: no valid credential sources',
      },
    ]);
  });
});
