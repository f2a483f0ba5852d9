/**
 * Where an environment's event data goes when it is torn down: the archive bucket's
 * lifecycle. Objects move to a cold storage class after `coldAfterDays` and are deleted
 * after `expireAfterDays`.
 */
import { z } from 'zod';
import type { Report } from './checks';

/**
 * The S3 classes an archive may move to, with the days each bills at least (an object
 * deleted sooner is billed for the rest): S3's minimum storage durations.
 */
export const COLD_STORAGE_MIN_DAYS = { GLACIER_IR: 90, GLACIER: 90, DEEP_ARCHIVE: 180 } as const;
export type ColdStorageClass = keyof typeof COLD_STORAGE_MIN_DAYS;

export const archiveSchema = z.strictObject({
  /** The class objects move to: Glacier Instant Retrieval, Flexible Retrieval or Deep Archive. @default GLACIER_IR */
  coldStorageClass: z
    .enum(Object.keys(COLD_STORAGE_MIN_DAYS) as [ColdStorageClass, ...ColdStorageClass[]])
    .default('GLACIER_IR'),
  /** Days after the export at which objects move to the cold class. @default 30 */
  coldAfterDays: z.number().int().min(0).max(3650).default(30),
  /** Days after the export at which objects are deleted. @default 365 */
  expireAfterDays: z.number().int().min(1).max(36500).default(365),
});

export type ArchiveConfig = z.output<typeof archiveSchema>;

/** Expiry must leave objects in the cold class at least as long as that class bills anyway. */
export function checkArchive(archive: ArchiveConfig, report: Report): void {
  const minimum = COLD_STORAGE_MIN_DAYS[archive.coldStorageClass];
  const cold = archive.expireAfterDays - archive.coldAfterDays;
  if (cold < minimum)
    report(
      ['archive', 'expireAfterDays'],
      `${archive.expireAfterDays} leaves objects ${cold} days in ${archive.coldStorageClass} after ` +
        `coldAfterDays ${archive.coldAfterDays}, which bills at least ${minimum}: ` +
        `set it to ${archive.coldAfterDays + minimum} or more`,
    );
}
