/** Terraform state: what it holds, and who can read it. */
import { StackView, list } from '../stack-view';
import { Json, Rule } from '../types';
import { outcome, show } from './outcome';

/** SSM's public parameters (AMI ids, service endpoints): not secrets. */
const PUBLIC_PARAMETER = /^\/aws\/service\//;

/** The stack's S3 backend, if it has one. */
function s3Backend(stack: StackView): Json | undefined {
  return stack.json.terraform?.backend?.s3;
}

export const STATE_RULES: Rule[] = [
  {
    id: 'state.no-secrets',
    severity: 'must',
    title: 'No secret value passes through Terraform state',
    rationale:
      'Terraform stores data-source results and resource arguments in state in plain text; whoever reads the state reads the secret.',
    anchors: [
      'Terraform docs: Sensitive data in state; ephemeral resources and write-only arguments (1.11)',
      'Kubernetes provider 2.38 kubernetes_secret_v1 data_wo',
    ],
    *check(stack) {
      for (const read of stack.resources('data.aws_secretsmanager_secret_version')) {
        yield outcome(read.address, [
          'reads a secret value into state; use an ephemeral aws_secretsmanager_secret_version',
        ]);
      }
      for (const read of stack.resources('data.aws_ssm_parameter')) {
        if (PUBLIC_PARAMETER.test(String(read.body.name)) || read.body.with_decryption === false) continue;
        yield outcome(read.address, [
          'reads a parameter value into state; use an ephemeral aws_ssm_parameter',
        ]);
      }
      for (const version of stack.resources('aws_secretsmanager_secret_version')) {
        yield outcome(version.address, [
          (version.body.secret_string !== undefined || version.body.secret_binary !== undefined) &&
            'secret_string/secret_binary are kept in state; use secret_string_wo',
        ]);
      }
      for (const secret of stack.resourcesOf('kubernetes_secret_v1', 'kubernetes_secret')) {
        const kept = ['data', 'binary_data'].filter((a) => Object.keys(secret.body[a] ?? {}).length > 0);
        yield outcome(secret.address, [
          kept.length > 0 && `${kept.join(', ')} are kept in state; use data_wo with an ephemeral read`,
        ]);
      }
    },
  },
  {
    id: 'state.per-environment-key',
    severity: 'must',
    title: "Each environment's state has its own prefix and KMS key",
    rationale:
      "With one key for every environment, whoever may read staging's state can decrypt prod's, secrets included.",
    anchors: [
      'Terraform S3 backend: kms_key_id, key',
      'AWS Well-Architected SEC08: separate data by sensitivity',
    ],
    *check(stack, synth) {
      const backend = s3Backend(stack);
      if (!backend) return;
      const prefixOf = (b: Json) => String(b.key ?? '').split('/')[0];
      const sharing = synth.stacks
        .map((other) => ({ id: other.id, backend: s3Backend(other) }))
        .filter(
          (o) =>
            o.backend &&
            o.backend.kms_key_id === backend.kms_key_id &&
            prefixOf(o.backend) !== prefixOf(backend),
        )
        .map((o) => o.id);
      yield outcome(`${stack.id}: terraform.backend.s3`, [
        !String(backend.key ?? '').includes('/') &&
          `key ${show(backend.key)} is not under an environment prefix`,
        backend.kms_key_id === undefined && 'no kms_key_id',
        backend.kms_key_id !== undefined &&
          sharing.length > 0 &&
          `kms_key_id ${show(backend.kms_key_id)} also encrypts other environments' state (${list(sharing).join(', ')})`,
      ]);
    },
  },
];
