import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface AwsSecretValueProps {
  readonly source: 'secrets-manager' | 'ssm';
  /** Secret name (Secrets Manager) or parameter name (SSM SecureString). */
  readonly name: string;
  /** The key holding the value when the stored value is a JSON object. @default none: the whole value */
  readonly jsonKey?: string;
}

/**
 * A value kept in AWS (a webhook URL, a password, a bcrypt hash), read at plan time, so
 * the repository never holds it. With `jsonKey`, the read fails naming the secret when the
 * stored value is not a JSON object with a string under that key.
 */
export class AwsSecretValue extends Construct {
  /** The value, as a Terraform expression. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: AwsSecretValueProps) {
    super(scope, id);
    const attribute = props.source === 'secrets-manager' ? 'secret_string' : 'value';
    const lifecycle =
      props.jsonKey === undefined
        ? undefined
        : {
            postcondition: [
              {
                condition: `\${can(tostring(jsondecode(self.${attribute})[${JSON.stringify(props.jsonKey)}]))}`,
                errorMessage: `${props.name}: must be a JSON object with a string under "${props.jsonKey}"`,
              },
            ],
          };
    const raw =
      props.source === 'secrets-manager'
        ? new DataAwsSecretsmanagerSecretVersion(this, 'value', { secretId: props.name, lifecycle })
            .secretString
        : new DataAwsSsmParameter(this, 'value', { name: props.name, withDecryption: true, lifecycle }).value;
    this.value = props.jsonKey === undefined ? raw : Fn.lookupNested(Fn.jsondecode(raw), [props.jsonKey]);
  }
}
