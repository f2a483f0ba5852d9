/**
 * Rules that relate the capacity schedule (hub.schedule) to the rest of the environment:
 * warm seats during every session, no more placeholders than the pool hosts at max size,
 * a night that begins only after the sessions end, an opt-out group the login can supply,
 * and per-profile idle timeouts within the hub-wide one.
 */
import { usersPerNode } from '../lib/capacity';
import {
  countChanges,
  describeMinute,
  firstOverlap,
  leastCountDuring,
  MINUTES_PER_WEEK,
  stretchOf,
  WEEK_DAYS,
} from '../lib/timetable';
import { defaultProfile, efsNodePluginSizing, profileGuarantee, profilePool } from './hub-checks';
import { Environment } from './schema';

type Report = (path: (string | number)[], message: string) => void;

export function checkSchedule(env: Environment, report: Report): void {
  checkProfileIdleTimeouts(env, report);
  const schedule = env.hub.schedule;
  if (!schedule) return;
  const at = (...path: (string | number)[]) => ['hub', 'schedule', ...path];

  // Two entries changing the count at the same minute leave the result to their order.
  const changes = countChanges(schedule.placeholders);
  changes.forEach((change, i) => {
    const clash = changes[i - 1];
    if (clash && clash.minute === change.minute) {
      report(
        at('placeholders', change.entry),
        `${describeMinute(change.minute)} is also set by placeholders.${clash.entry}; give each day and time one count`,
      );
    }
  });

  // Placeholders are pods of the default profile's size on its pool.
  const fallback = defaultProfile(env);
  const target = profilePool(env, fallback);
  const guarantee = profileGuarantee(fallback);
  if (target && guarantee) {
    const perNode = usersPerNode(target.pool.instanceType, guarantee, efsNodePluginSizing(env).requests);
    const most = perNode * target.pool.maxSize;
    schedule.placeholders.forEach((entry, i) => {
      if (entry.count > most) {
        report(
          at('placeholders', i, 'count'),
          `${entry.count} placeholders of profile '${fallback.slug}' need more than pool '${fallback.pool}' hosts at max size: ` +
            `${most} (${target.pool.maxSize} x ${target.pool.instanceType} at ${perNode} per node); allowed: 0 to ${most}`,
        );
      }
    });
  }

  const needed = env.hub.placeholders;
  schedule.sessions.forEach((session, i) => {
    if (session.end <= session.start) {
      report(
        at('sessions', i, 'end'),
        `${session.end} is not after start ${session.start}; a session starts and ends on the same day`,
      );
      return;
    }
    for (const day of session.days) {
      const stretch = stretchOf(day, session.start, session.end);
      const least = leastCountDuring(changes, stretch);
      if (least.count < needed) {
        report(
          at('placeholders', least.entry, 'count'),
          `${least.count} placeholders from ${describeMinute(least.minute)} falls inside the session ` +
            `${day} ${session.start}-${session.end} (sessions.${i}), which needs hub.placeholders: ${needed}; ` +
            `keep at least ${needed} during sessions`,
        );
        break;
      }
    }
  });

  const night = schedule.nightMode;
  if (!night) return;
  if (night.start === night.end) {
    report(at('nightMode', 'end'), `${night.end} equals start; a night must last some time`);
    return;
  }
  for (const [i, session] of schedule.sessions.entries()) {
    if (session.end <= session.start) continue;
    const clash = session.days
      .flatMap((day) =>
        // The night that begins the evening before a session may run into it as well.
        ([0, -1] as const).map((shift) => {
          const nightDay = WEEK_DAYS[(WEEK_DAYS.indexOf(day) + shift + 7) % 7];
          return firstOverlap(
            stretchOf(day, session.start, session.end),
            stretchOf(nightDay, night.start, night.end),
          );
        }),
      )
      .find((minute) => minute !== undefined);
    if (clash !== undefined) {
      report(
        at('nightMode', 'start'),
        `night mode from ${night.start} to ${night.end} overlaps the session ${session.days.join(',')} ` +
          `${session.start}-${session.end} (sessions.${i}) at ${describeMinute(clash % MINUTES_PER_WEEK)}; ` +
          'the night must start after the last session of the day ends and end before the first begins',
      );
      break;
    }
  }
  checkOptOutGroup(env, night.optOutGroup, report);
}

/**
 * The opt-out group must be one the login can fill: with GitHub, groups are `org:team` of
 * an allowed organisation; with the dummy login, groups exist only as the hub's own (the
 * hub creates the group and admins add members on its admin page).
 */
function checkOptOutGroup(env: Environment, group: string, report: Report): void {
  const path = ['hub', 'schedule', 'nightMode', 'optOutGroup'];
  const auth = env.hub.authentication;
  if (auth.type !== 'github') return;
  const [org, team] = group.split(':');
  if (team === undefined || !auth.allowedOrganizations.some((o) => o.split(':')[0] === org)) {
    report(
      path,
      `'${group}' is not a team of an allowed organisation; with GitHub login groups are 'org:team' ` +
        `of ${auth.allowedOrganizations.map((o) => `'${o.split(':')[0]}'`).join(', ')}, such as '${auth.allowedOrganizations[0].split(':')[0]}:night-owls'`,
    );
  }
}

function checkProfileIdleTimeouts(env: Environment, report: Report): void {
  const hubWide = env.hub.culling.idleTimeoutSeconds;
  env.hub.profiles.forEach((profile, i) => {
    const own = profile.idleTimeoutSeconds;
    if (own !== undefined && own > hubWide) {
      report(
        ['hub', 'profiles', i, 'idleTimeoutSeconds'],
        `${own} exceeds culling.idleTimeoutSeconds ${hubWide}; the hub's culler would stop profile ` +
          `'${profile.slug}' first. Allowed: 300 to ${hubWide}`,
      );
    }
  });
}
