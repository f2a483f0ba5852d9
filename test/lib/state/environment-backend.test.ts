import { TerraformStack, Testing } from 'cdktf';
import { configuredEnvironments } from '../../support/synth';
import { useEnvironmentBackend } from '../../../lib/state/environment-backend';

describe('useEnvironmentBackend', () => {
  const synthBackend = (envName: string) => {
    const env = configuredEnvironments().find((e) => e.name === envName)!;
    const stack = new TerraformStack(Testing.app(), 'probe');
    useEnvironmentBackend(stack, env, 'hub-probe');
    return JSON.parse(Testing.synth(stack)).terraform.backend;
  };

  it('uses a local file named after stack and environment in development', () => {
    expect(synthBackend('dev')).toEqual({ local: { path: '../../../terraform.hub-probe-dev.tfstate' } });
  });

  it('uses an encrypted S3 key per environment and stack with S3 native locking elsewhere', () => {
    expect(synthBackend('prod').s3).toMatchObject({
      key: 'prod/hub-probe.tfstate',
      encrypt: true,
      // Without a key id, Terraform asks S3 for SSE-S3 on every write.
      kms_key_id: 'arn:aws:kms:us-west-2:123456789012:alias/hub/terraform-state/prod',
      use_lockfile: true,
    });
  });

  it("gives every environment its own state key, so one environment's deployer cannot read another's state", () => {
    const keys = ['staging', 'prod', 'hackweek'].map((env) => synthBackend(env).s3.kms_key_id);
    expect(new Set(keys).size).toBe(3);
  });
});
