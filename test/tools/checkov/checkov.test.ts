/**
 * The checkov runner: the real checkov (python/requirements-checkov.txt, in .venv-checkov)
 * on small Terraform JSON stacks made here, and the verdict against accepted risks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { judge, scanStacks, StackScan } from '../../../tools/checkov/checkov';
import { AcceptedRisk } from '../../../tools/policy/accepted-risks';

/** A log group that keeps its logs `retentionDays` (CKV_AWS_338 asks for at least a year). */
function logGroupStack(retentionDays: number) {
  return {
    resource: {
      aws_cloudwatch_log_group: {
        logs: { name: '/test/logs', retention_in_days: retentionDays },
      },
    },
  };
}

const risk = (over: Partial<AcceptedRisk>): AcceptedRisk => ({
  rule: 'CKV_AWS_338',
  stack: 'short-*',
  resource: 'aws_cloudwatch_log_group.logs',
  justification: 'short-lived environments keep logs only as long as they exist',
  ...over,
});

describe('checkov on synthesized stacks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkov-'));
  let scans: StackScan[];
  beforeAll(() => {
    for (const [stack, days] of [
      ['short-lived', 7],
      ['long-lived', 400],
    ] as const) {
      mkdirSync(join(dir, stack));
      writeFileSync(join(dir, stack, 'cdk.tf.json'), JSON.stringify(logGroupStack(days)));
    }
    scans = scanStacks(
      ['short-lived', 'long-lived'].map((stack) => ({ stack, file: join(dir, stack, 'cdk.tf.json') })),
    );
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('attributes each result to the stack whose file checkov read', () => {
    const short = scans.find((s) => s.stack === 'short-lived')!;
    const long = scans.find((s) => s.stack === 'long-lived')!;
    expect(short.failed.map((f) => f.check)).toContain('CKV_AWS_338');
    expect(long.failed.map((f) => f.check)).not.toContain('CKV_AWS_338');
    expect(long.checksRun.has('CKV_AWS_338')).toBe(true);
    expect(long.passed).toBeGreaterThan(0);
    expect(short.failed.find((f) => f.check === 'CKV_AWS_338')?.resource).toBe(
      'aws_cloudwatch_log_group.logs',
    );
  });

  it('fails on a failed check that no acceptance covers', () => {
    const verdict = judge(scans, [], []);
    expect(verdict.unaccepted.map((f) => `${f.check} ${f.stack}`)).toContain('CKV_AWS_338 short-lived');
  });

  it('accepts a failure its acceptance matches, and only that one', () => {
    const verdict = judge(scans, [risk({})], []);
    expect(verdict.unaccepted.map((f) => `${f.check} ${f.stack}`)).not.toContain('CKV_AWS_338 short-lived');
    expect(verdict.unaccepted.map((f) => `${f.check} ${f.stack}`)).toContain('CKV_AWS_158 short-lived');
    expect(verdict.accepted).toBeGreaterThanOrEqual(1);
    expect(verdict.errors).toEqual([]);
  });

  it('reports an acceptance that matches no failure as stale, but not one for a stack not scanned', () => {
    const stale = risk({ stack: 'long-*' });
    const elsewhere = risk({ stack: 'other-env' });
    const verdict = judge(scans, [risk({}), stale, elsewhere], []);
    expect(verdict.errors).toEqual([
      'stale accepted risk: CKV_AWS_338 long-* aws_cloudwatch_log_group.logs matches no failed check',
    ]);
  });

  it('says how to install checkov when it is missing', () => {
    expect(() =>
      scanStacks([{ stack: 'x', file: join(dir, 'short-lived', 'cdk.tf.json') }], join(dir, 'no-checkov')),
    ).toThrow(/setup-python\.sh python\/requirements-checkov\.txt \.venv-checkov/);
  });
});
