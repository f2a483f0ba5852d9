import { resourcesOf, synthStacks } from '../../support/synth';

describe('EncryptionKey', () => {
  const prod = synthStacks().get('hub-cluster-prod')!;
  const keys = resourcesOf(prod, 'aws_kms_key').map(([, k]) => k);

  it('rotates every key and waits 30 days before deletion', () => {
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) {
      expect(key.enable_key_rotation).toBe(true);
      expect(key.deletion_window_in_days).toBe(30);
    }
  });

  it('names every principal in the key policy, never a wildcard', () => {
    for (const key of keys) {
      for (const statement of JSON.parse(key.policy).Statement) {
        expect(statement.Principal).not.toBe('*');
        expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
      }
    }
  });

  it('lets CloudWatch Logs use the log key only for the control-plane and flow-log groups', () => {
    const logKey = keys.find((k) => k.description.includes('logs'))!;
    const statement = JSON.parse(logKey.policy).Statement.find(
      (s: { Sid: string }) => s.Sid === 'CloudWatchLogsEncrypts',
    );
    expect(statement.Principal.Service).toMatch(/^logs\..+\.amazonaws\.com$/);
    expect(statement.Condition.ArnLike).toBeUndefined();
    const arns = statement.Condition.ArnEquals['kms:EncryptionContext:aws:logs:arn'];
    expect(arns).toEqual([
      expect.stringMatching(/:log-group:\/aws\/eks\/hub-prod\/cluster$/),
      expect.stringMatching(/:log-group:\/aws\/vpc\/hub-prod\/flow-logs$/),
    ]);
    // The groups that really use the key are the ones named.
    const named = arns.map((arn: string) => arn.split(':log-group:')[1]).sort();
    const encrypted = resourcesOf(prod, 'aws_cloudwatch_log_group')
      .filter(([, g]) => g.kms_key_id)
      .map(([, g]) => g.name)
      .sort();
    expect(named).toEqual(encrypted);
  });

  it('gives each key an alias', () => {
    expect(
      resourcesOf(prod, 'aws_kms_alias')
        .map(([, a]) => a.name)
        .sort(),
    ).toEqual(['alias/hub-prod/efs', 'alias/hub-prod/eks-secrets', 'alias/hub-prod/logs']);
  });
});
