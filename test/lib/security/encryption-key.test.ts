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

  it("lets CloudWatch Logs use the log key only for this account's log groups", () => {
    const logKey = keys.find((k) => k.description.includes('logs'))!;
    const statement = JSON.parse(logKey.policy).Statement.find(
      (s: { Sid: string }) => s.Sid === 'CloudWatchLogsEncrypts',
    );
    expect(statement.Principal.Service).toMatch(/^logs\..+\.amazonaws\.com$/);
    expect(statement.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toMatch(/:log-group:\*$/);
  });

  it('gives each key an alias', () => {
    expect(
      resourcesOf(prod, 'aws_kms_alias')
        .map(([, a]) => a.name)
        .sort(),
    ).toEqual(['alias/hub-prod/efs', 'alias/hub-prod/eks-secrets', 'alias/hub-prod/logs']);
  });
});
