import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/** Where an SSM parameter's ARN starts: `arn:<partition>:ssm:<region>:<account>`. */
export interface ParameterArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export interface AwsSecretValueProps {
  readonly source: 'secrets-manager' | 'ssm';
  /** Secret name (Secrets Manager) or parameter name (SSM SecureString). */
  readonly name: string;
  /** The key holding the value when the stored value is a JSON object. @default none: the whole value */
  readonly jsonKey?: string;
  /** The account an SSM parameter lives in (the ephemeral read takes an ARN). @default none: required for SSM */
  readonly account?: ParameterArnParts;
  /**
   * The config field that names this secret, for the read's error messages (which then say
   * how to fix the field). @default none: the messages name only the secret
   */
  readonly field?: string;
}

/** Terraform's ephemeral resource types that read a secret's value, and the attribute holding it. */
const EPHEMERAL_READ = {
  'secrets-manager': { type: 'aws_secretsmanager_secret_version', attribute: 'secret_string' },
  ssm: { type: 'aws_ssm_parameter', attribute: 'value' },
} as const;

/**
 * A value kept in AWS (an OAuth client secret, a password, a bcrypt hash, a webhook URL),
 * read by a Terraform ephemeral resource: neither the plan nor the state holds it (Terraform
 * 1.11 or later). The value is ephemeral, so it may only flow into write-only arguments such
 * as a Kubernetes Secret's `data_wo`, where Terraform functions may compose it. With
 * `jsonKey` the value is the string under that key; the read fails, naming the secret, when
 * the stored value and `jsonKey` disagree, instead of handing on the wrong string.
 *
 * cdktf 0.21 and the prebuilt AWS bindings have no ephemeral resources, so the block is
 * written as a stack override.
 */
export class AwsSecretValue extends Construct {
  /** The value as a bare Terraform expression (no `${}`), to compose inside another expression. */
  readonly expression: string;
  /** The value as an interpolation, `${expression}`. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: AwsSecretValueProps) {
    super(scope, id);
    const { source, name, jsonKey, field } = props;
    const read = EPHEMERAL_READ[source];
    const stored = `jsondecode(self.${read.attribute})`;
    const postcondition =
      jsonKey === undefined
        ? {
            condition: `\${!can(keys(${stored}))}`,
            error_message:
              `${name}: the stored value is a JSON object and would become the secret whole` +
              (field === undefined ? '' : `; set ${field}.jsonKey to the key that holds it`),
          }
        : {
            condition: `\${can(tostring(${stored}[${JSON.stringify(jsonKey)}]))}`,
            error_message:
              field === undefined
                ? `${name}: the stored value is not a JSON object with a string under "${jsonKey}"`
                : `${name}: ${field}.jsonKey is "${jsonKey}", but the stored value is not a JSON object ` +
                  `with a string under that key; store {"${jsonKey}": "..."} or drop jsonKey for a plain value`,
          };
    let locator: Record<string, unknown>;
    if (source === 'secrets-manager') {
      locator = { secret_id: name };
    } else {
      if (!props.account)
        throw new Error(`${field ?? name}: reading SSM parameter ${name} needs the account`);
      const { partition, region, accountId } = props.account;
      locator = {
        arn: `arn:${partition}:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`,
        with_decryption: true,
      };
    }
    const logicalName = this.node.path.replace(/[^A-Za-z0-9_-]/g, '_');
    TerraformStack.of(this).addOverride(`ephemeral.${read.type}.${logicalName}`, {
      ...locator,
      lifecycle: { postcondition: [postcondition] },
    });
    const raw = `ephemeral.${read.type}.${logicalName}.${read.attribute}`;
    this.expression = jsonKey === undefined ? raw : `jsondecode(${raw})[${JSON.stringify(jsonKey)}]`;
    this.value = `\${${this.expression}}`;
  }
}
