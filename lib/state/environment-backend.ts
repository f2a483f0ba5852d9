import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Environment } from '../../config/schema';

/**
 * Where a local state file lives, relative to the folder terraform runs in
 * (`cdktf.out/stacks/<stack>/`): the project root. The same relative path then works for
 * the stack's own backend and for a later stack's remote-state lookup of it, and the
 * file survives `rm -rf cdktf.out`.
 */
export function localStatePath(stackId: string): string {
  return `../../../terraform.${stackId}.tfstate`;
}

/**
 * Points a stack's state where its environment keeps it: a local file for development,
 * otherwise `<env>/<stack>.tfstate` in the S3 state bucket, encrypted with the state key, with S3's native
 * lock file (cdktf 0.21 has no property for `use_lockfile`, hence the override).
 */
export function useEnvironmentBackend(
  stack: TerraformStack,
  env: { readonly name: string; readonly state: Environment['state'] },
  stackName: string,
): void {
  if (env.state.backend === 'local') {
    new LocalBackend(stack, { path: localStatePath(`${stackName}-${env.name}`) });
    return;
  }
  new S3Backend(stack, {
    bucket: env.state.bucket,
    region: env.state.region,
    key: `${env.name}/${stackName}.tfstate`,
    encrypt: true,
    kmsKeyId: env.state.kmsKeyId,
  });
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
