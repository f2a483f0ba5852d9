/**
 * The `hub.schedule` section: capacity on the event's timetable. Placeholder counts by day
 * of week and time of day (warm seats before sessions, none at night) and night mode (idle
 * servers stopped at a set hour, except for an opt-out group, with an announcement on the
 * hub's pages beforehand), all in one named IANA time zone. Rules that relate the schedule
 * to the pools, the profiles and the sessions live in config/schedule-checks.ts.
 */
import { z } from 'zod';
import { WEEK_DAYS as DAYS } from '../lib/timetable';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A wall-clock time in the schedule's zone, 'HH:MM' (24-hour). */
const clock = z.string().regex(CLOCK, { error: 'must be a time such as 08:30 (24-hour HH:MM)' });

/** True if the runtime (and so Kubernetes' and Python's tz databases) knows `zone`. */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an IANA time zone such as America/Los_Angeles or UTC`,
});

const days = z
  .array(z.enum(DAYS, { error: `must be one of ${DAYS.join(', ')}` }))
  .min(1, { error: 'is empty; list the days, such as [mon, tue, wed, thu, fri]' })
  .refine((list) => new Set(list).size === list.length, { error: 'lists a day twice' });

/** From `at` on each of `days`, keep `count` placeholders (until the next entry takes over). */
const placeholderEntry = z.strictObject({
  days,
  at: clock,
  count: z.number().int().min(0).max(200),
});

/** A teaching session: users arrive at `start` and work until `end`, the same day. */
const session = z.strictObject({ days, start: clock, end: clock });

const nightMode = z.strictObject({
  /** When the night begins: idle servers are stopped from then on. */
  start: clock,
  /** When the night ends. */
  end: clock,
  /** Servers idle at least this long are stopped during the night. @default 1800 */
  idleSeconds: z.number().int().min(300).default(1800),
  /** Members of this JupyterHub group keep their servers (e.g. a long computation). */
  optOutGroup: z.string().min(1),
  /** Minutes before `start` the hub's pages announce night mode. @default 60 */
  announceMinutesBefore: z.number().int().min(5).max(720).default(60),
  /** How often the night-mode service looks for idle servers during the night. @default 300 */
  checkIntervalSeconds: z.number().int().min(30).default(300),
});

export const scheduleSchema = z.strictObject({
  /** The zone every time of the schedule is in; the CronJobs and night mode use it. */
  timeZone,
  /** When users work; placeholders must not drop below hub.placeholders then, and night mode must not start. @default [] */
  sessions: z.array(session).default([]),
  /** Placeholder counts by day and time; an entry holds until the next one, round the week. */
  placeholders: z.array(placeholderEntry).min(1),
  /** Stop idle servers at night. @default off */
  nightMode: nightMode.optional(),
});

export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type NightModeConfig = z.output<typeof nightMode>;
export type PlaceholderEntry = z.output<typeof placeholderEntry>;
export type SessionConfig = z.output<typeof session>;
