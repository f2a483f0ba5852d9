import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ClientSecretConfig } from '../../config/hub-schema';
import { AwsSecretValue, ParameterArnParts } from '../platform/aws-secret-value';
import { CLIENT_SECRET_KEY, CLIENT_SECRET_NAME } from './names';

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
 * The read is lib/platform/aws-secret-value.ts; `data_wo` is in the Kubernetes bindings.
 */
export class OAuthClientSecret extends Construct {
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: OAuthClientSecretProps) {
    super(scope, id);
    const value = new AwsSecretValue(this, 'value', {
      source: props.source.source,
      name: props.source.name,
      jsonKey: props.source.jsonKey,
      account: props.account,
      field: props.field ?? 'hub.authentication.clientSecret',
    });
    this.secret = new SecretV1(this, 'secret', {
      metadata: { name: CLIENT_SECRET_NAME, namespace: props.namespace },
      type: 'Opaque',
      dataWo: {
        [CLIENT_SECRET_KEY]: value.value,
      },
      dataWoRevision: props.source.version,
      dependsOn: props.dependsOn,
    });
  }
}
