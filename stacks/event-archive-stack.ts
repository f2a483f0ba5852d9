import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Environment } from '../config/schema';
import { AwsAccount } from '../lib/aws-account';
import { archiveBucketName, archiveKeyAlias } from '../lib/naming';
import { EncryptionKey } from '../lib/security/encryption-key';
import { useEnvironmentBackend } from '../lib/state/environment-backend';
import { ArchiveBucket } from '../lib/storage/archive-bucket';
import { environmentAwsProvider } from './aws-provider';

/**
 * The environment's event archive: the bucket `npm run event -- down` exports home
 * directories, the shared folder and the usage report to before it destroys the platform
 * and cluster stacks. A stack of its own, which `down` never destroys, so the data outlives
 * the environment; its lifecycle (config `archive`) moves it to cold storage and deletes
 * it in the end. Deploy it before the first export (`cdktf deploy hub-archive-<env>`).
 */
export class EventArchiveStack extends TerraformStack {
  readonly archive: ArchiveBucket;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id);
    useEnvironmentBackend(this, env, 'hub-archive');
    environmentAwsProvider(this, env);
    const account = new AwsAccount(this, 'account');
    const key = new EncryptionKey(this, 'archive-key', {
      account,
      alias: archiveKeyAlias(env),
      description: `${env.name}: event archive (home directories, shared folder, usage reports)`,
    });
    this.keyArn = key.arn;
    this.archive = new ArchiveBucket(this, 'archive', {
      bucketName: archiveBucketName(env),
      kmsKeyArn: key.arn,
      coldStorageClass: env.archive.coldStorageClass,
      coldAfterDays: env.archive.coldAfterDays,
      expireAfterDays: env.archive.expireAfterDays,
    });
    new TerraformOutput(this, 'archive_bucket', { value: this.archive.bucket.bucket });
    new TerraformOutput(this, 'archive_key_arn', { value: key.arn });
  }
}
