import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ITerraformDependable, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ClientSecretConfig } from '../../config/hub-schema';
import { CLIENT_SECRET_KEY, CLIENT_SECRET_NAME } from './names';

/** Where an SSM parameter's ARN starts: `arn:<partition>:ssm:<region>:<account>`. */
export interface ParameterArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export interface OAuthClientSecretProps {
  /** Where the secret lives in AWS (`hub.authentication.clientSecret`, or the generated shared password). */
  readonly source: ClientSecretConfig;
  /** Namespace of the Kubernetes Secret: the hub's. */
  readonly namespace: string;
  /** The account an SSM parameter lives in (the ephemeral read takes an ARN). @default none: required for SSM */
  readonly account?: ParameterArnParts;
  /** The config field named in errors. @default 'hub.authentication.clientSecret' */
  readonly field?: string;
  /** What must exist first: the namespace. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/** Terraform's ephemeral resource types that read a secret's value, and the attribute holding it. */
const EPHEMERAL_READ = {
  'secrets-manager': { type: 'aws_secretsmanager_secret_version', attribute: 'secret_string' },
  ssm: { type: 'aws_ssm_parameter', attribute: 'value' },
} as const;

/**
 * The login's secret (OAuth client secret or shared password), read from Secrets Manager
 * or SSM by an ephemeral resource and written to a Kubernetes Secret in the hub namespace
 * through the write-only `data_wo`, so no Terraform state or plan ever holds it (Terraform
 * 1.11 or later). The hub reads it through an environment variable; nothing passes through
 * helm's --set syntax. Terraform sends the value again only when `version` changes: bump
 * it after rotating the stored secret. A JSON secret yields the value under `jsonKey`; the
 * read fails, naming the secret and the field, when the stored value and `jsonKey`
 * disagree, instead of handing the hub the wrong string.
 *
 * cdktf 0.21 and the prebuilt AWS bindings have no ephemeral resources, so the block is
 * written as a stack override; `data_wo` is in the Kubernetes bindings.
 */
export class OAuthClientSecret extends Construct {
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: OAuthClientSecretProps) {
    super(scope, id);
    const { source, name, jsonKey, version } = props.source;
    const field = props.field ?? 'hub.authentication.clientSecret';
    const read = EPHEMERAL_READ[source];
    const stored = `jsondecode(self.${read.attribute})`;
    const postcondition =
      jsonKey === undefined
        ? {
            condition: `\${!can(keys(${stored}))}`,
            error_message:
              `${name}: the stored value is a JSON object and would become the secret whole; ` +
              `set ${field}.jsonKey to the key that holds it`,
          }
        : {
            condition: `\${can(tostring(${stored}[${JSON.stringify(jsonKey)}]))}`,
            error_message:
              `${name}: ${field}.jsonKey is "${jsonKey}", but the stored value is not a JSON object ` +
              `with a string under that key; store {"${jsonKey}": "..."} or drop jsonKey for a plain value`,
          };
    let locator: Record<string, unknown>;
    if (source === 'secrets-manager') {
      locator = { secret_id: name };
    } else {
      if (!props.account) throw new Error(`${field}: reading SSM parameter ${name} needs the account`);
      const { partition, region, accountId } = props.account;
      locator = {
        arn: `arn:${partition}:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`,
        with_decryption: true,
      };
    }
    const logicalName = `${this.node.path.replace(/[^A-Za-z0-9_-]/g, '_')}_value`;
    TerraformStack.of(this).addOverride(`ephemeral.${read.type}.${logicalName}`, {
      ...locator,
      lifecycle: { postcondition: [postcondition] },
    });
    const value = `ephemeral.${read.type}.${logicalName}.${read.attribute}`;

    this.secret = new SecretV1(this, 'secret', {
      metadata: { name: CLIENT_SECRET_NAME, namespace: props.namespace },
      type: 'Opaque',
      dataWo: {
        [CLIENT_SECRET_KEY]:
          jsonKey === undefined ? `\${${value}}` : `\${jsondecode(${value})[${JSON.stringify(jsonKey)}]}`,
      },
      dataWoRevision: version,
      dependsOn: props.dependsOn,
    });
  }
}
