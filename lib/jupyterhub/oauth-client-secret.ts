import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ClientSecretConfig } from '../../config/hub-schema';
import { CLIENT_SECRET_KEY, CLIENT_SECRET_NAME } from './names';

export interface OAuthClientSecretProps {
  /** Where the secret lives in AWS (`hub.authentication.clientSecret`). */
  readonly source: ClientSecretConfig;
  /** Namespace of the Kubernetes Secret: the hub's. */
  readonly namespace: string;
  /** What must exist first: the namespace. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

const FIELD = 'hub.authentication.clientSecret';

/**
 * The OAuth client secret, read from Secrets Manager or SSM at plan time and written to a
 * Kubernetes Secret in the hub namespace, which the hub reads through an environment
 * variable. Nothing passes through helm's --set syntax, where a `,` or `\` would corrupt
 * it. A JSON secret yields the value under `jsonKey`; the read fails, naming the secret and
 * the field, when the stored value and `jsonKey` disagree (JSON without a key, or a key
 * the JSON lacks), instead of handing the hub the wrong string.
 */
export class OAuthClientSecret extends Construct {
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: OAuthClientSecretProps) {
    super(scope, id);
    const { source, name, jsonKey } = props.source;
    const attribute = source === 'secrets-manager' ? 'secret_string' : 'value';
    const stored = `jsondecode(self.${attribute})`;
    const lifecycle = {
      postcondition: [
        jsonKey === undefined
          ? {
              condition: `\${!can(keys(${stored}))}`,
              errorMessage:
                `${name}: the stored value is a JSON object and would become the client secret whole; ` +
                `set ${FIELD}.jsonKey to the key that holds it`,
            }
          : {
              condition: `\${can(tostring(${stored}[${JSON.stringify(jsonKey)}]))}`,
              errorMessage:
                `${name}: ${FIELD}.jsonKey is "${jsonKey}", but the stored value is not a JSON object ` +
                `with a string under that key; store {"${jsonKey}": "..."} or drop jsonKey for a plain value`,
            },
      ],
    };
    const raw =
      source === 'secrets-manager'
        ? new DataAwsSecretsmanagerSecretVersion(this, 'value', { secretId: name, lifecycle }).secretString
        : new DataAwsSsmParameter(this, 'value', { name, withDecryption: true, lifecycle }).value;

    this.secret = new SecretV1(this, 'secret', {
      metadata: { name: CLIENT_SECRET_NAME, namespace: props.namespace },
      type: 'Opaque',
      data: {
        [CLIENT_SECRET_KEY]: jsonKey === undefined ? raw : Fn.lookupNested(Fn.jsondecode(raw), [jsonKey]),
      },
      dependsOn: props.dependsOn,
    });
  }
}
