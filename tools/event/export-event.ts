/**
 * `down`'s export for one environment: its archive bucket, the event's folder for today,
 * the export role, and the usage report when Prometheus is given (also kept beside the
 * step's log), handed to the in-cluster Job (export.ts).
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Environment } from '../../config/schema';
import {
  ARCHIVE_EXPORT_SERVICE_ACCOUNT,
  archiveBucketName,
  archiveEventPrefix,
  archiveExportRoleName,
} from '../../lib/naming';
import { ExportRecord } from './down';
import { exportObjects, exportPrefix, runExportJob } from './export';
import { KubeApi } from './prewarm';
import { eventDir, StepLog } from './step-log';
import { usageReportFiles } from './usage-report';

export interface ExportEventOptions {
  readonly kube: KubeApi;
  /** The Prometheus that holds the environment's series. @default none: no usage report */
  readonly prometheusUrl?: string;
  /** Where the report starts. @default 7 days before now */
  readonly since?: Date;
  /** @default now */
  readonly now?: Date;
  /** Between two looks at the Job. @default 10000 */
  readonly pollMs?: number;
}

export async function exportEvent(
  env: Environment,
  log: StepLog,
  options: ExportEventOptions,
): Promise<ExportRecord> {
  const now = options.now ?? new Date();
  const prefix = exportPrefix(archiveEventPrefix(env), now);
  const bucket = archiveBucketName(env);
  let report: Record<string, Buffer> | undefined;
  if (options.prometheusUrl) {
    const since = options.since ?? new Date(now.getTime() - 7 * 24 * 3600_000);
    report = await usageReportFiles({
      prometheusUrl: options.prometheusUrl,
      environment: env.name,
      start: since,
      end: now,
    });
    const local = join(eventDir(), `${env.name}-report-${prefix.split('/').pop()}`);
    mkdirSync(local, { recursive: true });
    for (const [name, body] of Object.entries(report)) writeFileSync(join(local, name), body);
    log.say(`export: usage report (${Object.keys(report).join(', ')}) written to ${local}`);
  } else log.say('export: no Prometheus given (--prometheus-url): no usage report');
  const objects = exportObjects({
    bucket,
    region: env.region,
    prefix,
    roleArn: `arn:aws:iam::${env.account}:role/${archiveExportRoleName(env)}`,
    serviceAccount: ARCHIVE_EXPORT_SERVICE_ACCOUNT,
    report,
  });
  log.say(`export: job ${objects.job.metadata.name} copies home and shared to s3://${bucket}/${prefix}/`);
  const summary = await runExportJob(options.kube, objects, {
    pollMs: options.pollMs,
    progress: (line) => log.say(`export: ${line}`),
  });
  for (const s of summary.skipped) log.say(`export: skipped ${s.kind} ${s.path}`);
  return { bucket, prefix, objects: summary.objects, bytes: summary.bytes };
}
