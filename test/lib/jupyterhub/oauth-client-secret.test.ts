/**
 * The login's secret: read by an ephemeral resource (never a data source, whose result
 * Terraform keeps in state), written write-only to a Kubernetes Secret, with a read-time
 * check that the stored value and jsonKey agree.
 */
import { Testing, TerraformStack } from 'cdktf';
import { ClientSecretConfig } from '../../../config/hub-schema';
import { OAuthClientSecret } from '../../../lib/jupyterhub/oauth-client-secret';
import { StackJson } from '../../support/synth';

const ACCOUNT = { partition: 'aws', region: 'us-west-2', accountId: '123456789012' };

function synth(source: Omit<ClientSecretConfig, 'version'> & { version?: number }): StackJson {
  const stack = new TerraformStack(Testing.app(), 'probe');
  new OAuthClientSecret(stack, 'client-secret', {
    source: { version: 1, ...source },
    namespace: 'jupyterhub',
    account: ACCOUNT,
  });
  return JSON.parse(Testing.synth(stack));
}

const only = (block: StackJson | undefined): [string, StackJson] => {
  const entries = Object.entries(block ?? {});
  expect(entries).toHaveLength(1);
  return entries[0] as [string, StackJson];
};

describe('the login secret', () => {
  it('never reads the secret through a data source, so state never holds it', () => {
    for (const source of ['secrets-manager', 'ssm'] as const) {
      const json = synth({ source, name: '/hub-prod/oauth' });
      expect(json.data ?? {}).toEqual({});
      const [, secret] = only(json.resource.kubernetes_secret_v1);
      expect(secret.data).toBeUndefined();
      expect(Object.keys(secret.data_wo)).toEqual(['client-secret']);
    }
  });

  it('writes a plain Secrets Manager value write-only into the hub namespace Secret, refusing a JSON object', () => {
    const json = synth({ source: 'secrets-manager', name: 'hub-prod/oauth', version: 3 });
    const [name, read] = only(json.ephemeral.aws_secretsmanager_secret_version);
    expect(read.secret_id).toBe('hub-prod/oauth');
    const [, secret] = only(json.resource.kubernetes_secret_v1);
    expect(secret.metadata).toEqual({ name: 'hub-oauth-client', namespace: 'jupyterhub' });
    expect(secret.data_wo).toEqual({
      'client-secret': `\${ephemeral.aws_secretsmanager_secret_version.${name}.secret_string}`,
    });
    // Bumped after a rotation, so Terraform sends the new value.
    expect(secret.data_wo_revision).toBe(3);
    expect(read.lifecycle.postcondition).toEqual([
      {
        condition: '${!can(keys(jsondecode(self.secret_string)))}',
        error_message:
          'hub-prod/oauth: the stored value is a JSON object and would become the secret whole; ' +
          'set hub.authentication.clientSecret.jsonKey to the key that holds it',
      },
    ]);
  });

  it('takes the value under jsonKey from a JSON secret, and refuses JSON without that key', () => {
    const json = synth({ source: 'secrets-manager', name: 'hub-prod/oauth', jsonKey: 'client_secret' });
    const [name, read] = only(json.ephemeral.aws_secretsmanager_secret_version);
    const [, secret] = only(json.resource.kubernetes_secret_v1);
    expect(secret.data_wo['client-secret']).toBe(
      `\${jsondecode(ephemeral.aws_secretsmanager_secret_version.${name}.secret_string)["client_secret"]}`,
    );
    expect(read.lifecycle.postcondition).toEqual([
      {
        condition: '${can(tostring(jsondecode(self.secret_string)["client_secret"]))}',
        error_message: expect.stringMatching(
          /^hub-prod\/oauth: hub\.authentication\.clientSecret\.jsonKey is "client_secret", but the stored value is not a JSON object with a string under that key/,
        ),
      },
    ]);
  });

  it('reads an SSM SecureString decrypted, by the ARN the ephemeral read takes', () => {
    // A key with '-' and '.' stays one quoted index, not HCL attribute access.
    const json = synth({ source: 'ssm', name: '/hub-staging/oauth', jsonKey: 'oauth-client.secret' });
    const [name, read] = only(json.ephemeral.aws_ssm_parameter);
    expect(read).toMatchObject({
      arn: 'arn:aws:ssm:us-west-2:123456789012:parameter/hub-staging/oauth',
      with_decryption: true,
    });
    expect(read.lifecycle.postcondition[0].condition).toBe(
      '${can(tostring(jsondecode(self.value)["oauth-client.secret"]))}',
    );
    expect(only(json.resource.kubernetes_secret_v1)[1].data_wo['client-secret']).toBe(
      `\${jsondecode(ephemeral.aws_ssm_parameter.${name}.value)["oauth-client.secret"]}`,
    );
  });
});
