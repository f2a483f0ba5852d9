/**
 * Week arithmetic for the capacity schedule: times as minutes of the week (Monday 00:00 is
 * 0), the placeholder count in effect at any minute, the stretches of the week a session
 * or the night covers, and the cron expressions the CronJobs run on. Pure: no config
 * types, no clock.
 */

export const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

export const MINUTES_PER_DAY = 24 * 60;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** Minutes after midnight of 'HH:MM'. */
export function clockMinutes(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

/** 'mon 08:30' for a minute of the week. */
export function describeMinute(minute: number): string {
  const m = ((minute % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  const day = WEEK_DAYS[Math.floor(m / MINUTES_PER_DAY)];
  const inDay = m % MINUTES_PER_DAY;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} ${pad(Math.floor(inDay / 60))}:${pad(inDay % 60)}`;
}

export interface TimetableEntry {
  readonly days: readonly WeekDay[];
  /** 'HH:MM' */
  readonly at: string;
  readonly count: number;
}

/** One change of the placeholder count: from `minute` of the week on, `count`. */
export interface CountChange {
  readonly minute: number;
  readonly count: number;
  /** Index of the timetable entry it comes from. */
  readonly entry: number;
}

/** Every change the timetable makes in a week, in order of time. */
export function countChanges(entries: readonly TimetableEntry[]): CountChange[] {
  return entries
    .flatMap((entry, i) =>
      entry.days.map((day) => ({
        minute: WEEK_DAYS.indexOf(day) * MINUTES_PER_DAY + clockMinutes(entry.at),
        count: entry.count,
        entry: i,
      })),
    )
    .sort((a, b) => a.minute - b.minute);
}

/** The change in effect at `minute`: the last one at or before it, wrapping round the week. */
export function changeInEffect(changes: readonly CountChange[], minute: number): CountChange {
  let current = changes[changes.length - 1];
  for (const change of changes) {
    if (change.minute <= minute) current = change;
  }
  return current;
}

/** A half-open stretch [from, to) of minutes of the week; `to` may pass the week's end (it wraps). */
export interface Stretch {
  readonly from: number;
  readonly to: number;
}

/** The stretch `start`..`end` on `day`; an end at or before the start runs into the next day. */
export function stretchOf(day: WeekDay, start: string, end: string): Stretch {
  const from = WEEK_DAYS.indexOf(day) * MINUTES_PER_DAY + clockMinutes(start);
  let length = clockMinutes(end) - clockMinutes(start);
  if (length <= 0) length += MINUTES_PER_DAY;
  return { from, to: from + length };
}

/** The first minute two stretches share, or undefined. */
export function firstOverlap(a: Stretch, b: Stretch): number | undefined {
  for (const shift of [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK]) {
    const from = Math.max(a.from, b.from + shift);
    const to = Math.min(a.to, b.to + shift);
    if (from < to) return from;
  }
  return undefined;
}

/**
 * The least count in effect during a stretch, and the change that sets it: the count at
 * its start and after every change inside it.
 */
export function leastCountDuring(changes: readonly CountChange[], stretch: Stretch): CountChange {
  let least = changeInEffect(changes, stretch.from % MINUTES_PER_WEEK);
  for (const change of changes) {
    const inside = [change.minute, change.minute + MINUTES_PER_WEEK].some(
      (m) => m > stretch.from && m < stretch.to,
    );
    if (inside && change.count < least.count) least = change;
  }
  return least;
}

/** Cron day-of-week numbers (0 is Sunday), as Kubernetes CronJobs read them. */
const CRON_DAY: Record<WeekDay, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** A five-field cron expression firing at `at` on `days`: '30 8 * * 1,2,3'. */
export function cronAt(at: string, days: readonly WeekDay[]): string {
  const minutes = clockMinutes(at);
  const numbers = [...days].map((d) => CRON_DAY[d]).sort((a, b) => a - b);
  return `${minutes % 60} ${Math.floor(minutes / 60)} * * ${numbers.join(',')}`;
}
