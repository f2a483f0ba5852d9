/**
 * The event record of an environment, `event-logs/<env>-up.json`: when `up` first
 * completed (the event's start, which `status` counts the cost from) and, once a `down`
 * has completed, when the environment went down. A completed `down` ends the event: the
 * start is then no longer reported, and the next `up` starts a new event.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { eventDir } from './step-log';

export interface UpRecord {
  readonly environment: string;
  /** When `up` first completed, ISO 8601; absent when `up` never completed here. */
  readonly upAt?: string;
  /** When `down` completed, ISO 8601; absent while the environment is up. */
  readonly downAt?: string;
}

export function upRecordPath(environment: string): string {
  return join(eventDir(), `${environment}-up.json`);
}

/** The record as written; undefined when neither `up` nor `down` completed here. */
export function readUpRecord(environment: string): UpRecord | undefined {
  const path = upRecordPath(environment);
  if (!existsSync(path)) return undefined;
  return { environment, ...(JSON.parse(readFileSync(path, 'utf8')) as Partial<UpRecord>) };
}

/** When the event a record tells of began, if it is still running (no `down` completed since). */
export function runningSince(record: UpRecord | undefined): Date | undefined {
  return record?.upAt && !record.downAt ? new Date(record.upAt) : undefined;
}

/** When the running event began (`up` completed); undefined when none is running here. */
export function lastUp(environment: string): Date | undefined {
  return runningSince(readUpRecord(environment));
}

function write(record: UpRecord): void {
  mkdirSync(eventDir(), { recursive: true });
  writeFileSync(upRecordPath(record.environment), `${JSON.stringify(record)}\n`);
}

/** Records a completed `up`: a new event, unless one is running (a redeploy keeps its start). */
export function recordUp(environment: string, at = new Date()): void {
  if (!lastUp(environment)) write({ environment, upAt: at.toISOString() });
}

/** Records a completed `down`: the event is over, its start kept for the record. */
export function recordDown(environment: string, at = new Date()): void {
  write({ ...readUpRecord(environment), environment, downAt: at.toISOString() });
}
