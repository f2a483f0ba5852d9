/**
 * The OAuth client secret: read from AWS, written whole (or the value under jsonKey) to a
 * Kubernetes Secret, with a read-time check that the stored value and jsonKey agree.
 */
import { Testing, TerraformStack } from 'cdktf';
import { ClientSecretConfig } from '../../../config/hub-schema';
import { OAuthClientSecret } from '../../../lib/jupyterhub/oauth-client-secret';
import { StackJson } from '../../support/synth';

function synth(source: ClientSecretConfig): StackJson {
  const stack = new TerraformStack(Testing.app(), 'probe');
  new OAuthClientSecret(stack, 'client-secret', { source, namespace: 'jupyterhub' });
  return JSON.parse(Testing.synth(stack));
}

const only = (block: StackJson | undefined): StackJson => {
  const bodies = Object.values(block ?? {});
  expect(bodies).toHaveLength(1);
  return bodies[0] as StackJson;
};

describe('the OAuth client secret', () => {
  it('puts a plain Secrets Manager value into the hub namespace Secret unchanged, refusing a JSON object', () => {
    const json = synth({ source: 'secrets-manager', name: 'hub-prod/oauth' });
    const read = only(json.data.aws_secretsmanager_secret_version);
    expect(read.secret_id).toBe('hub-prod/oauth');
    const secret = only(json.resource.kubernetes_secret_v1);
    expect(secret.metadata).toEqual({ name: 'hub-oauth-client', namespace: 'jupyterhub' });
    expect(secret.data).toEqual({
      'client-secret': expect.stringMatching(
        /^\$\{data\.aws_secretsmanager_secret_version\.client-secret_value_\w+\.secret_string\}$/,
      ),
    });
    expect(read.lifecycle.postcondition).toEqual([
      {
        condition: '${!can(keys(jsondecode(self.secret_string)))}',
        error_message:
          'hub-prod/oauth: the stored value is a JSON object and would become the client secret whole; ' +
          'set hub.authentication.clientSecret.jsonKey to the key that holds it',
      },
    ]);
  });

  it('takes the value under jsonKey from a JSON secret, and refuses JSON without that key', () => {
    const json = synth({ source: 'secrets-manager', name: 'hub-prod/oauth', jsonKey: 'client_secret' });
    const secret = only(json.resource.kubernetes_secret_v1);
    expect(secret.data['client-secret']).toMatch(
      /^\$\{jsondecode\(data\.aws_secretsmanager_secret_version\.client-secret_value_\w+\.secret_string\)\.client_secret\}$/,
    );
    const read = only(json.data.aws_secretsmanager_secret_version);
    expect(read.lifecycle.postcondition).toEqual([
      {
        condition: '${can(tostring(jsondecode(self.secret_string)["client_secret"]))}',
        error_message: expect.stringMatching(
          /^hub-prod\/oauth: hub\.authentication\.clientSecret\.jsonKey is "client_secret", but the stored value is not a JSON object with a string under that key/,
        ),
      },
    ]);
  });

  it('reads an SSM SecureString decrypted', () => {
    // A key with '-' and '.' stays one quoted index, not HCL attribute access.
    const json = synth({ source: 'ssm', name: '/hub-staging/oauth', jsonKey: 'oauth-client.secret' });
    const read = only(json.data.aws_ssm_parameter);
    expect(read).toMatchObject({ name: '/hub-staging/oauth', with_decryption: true });
    expect(read.lifecycle.postcondition[0].condition).toBe(
      '${can(tostring(jsondecode(self.value)["oauth-client.secret"]))}',
    );
    expect(only(json.resource.kubernetes_secret_v1).data['client-secret']).toMatch(
      /^\$\{jsondecode\(data\.aws_ssm_parameter\.client-secret_value_\w+\.value\)\["oauth-client\.secret"\]\}$/,
    );
  });
});
