/**
 * The capacity schedule's rules: each rejects a bad timetable with a message naming the
 * environment, the field, the value and what is allowed; the hackweek's own passes.
 */
import { ENVIRONMENTS } from '../../config';
import { ConfigError, parseEnvironment } from '../../config/load';
import { EnvironmentInput } from '../../config/schema';

type Change = (env: EnvironmentInput) => void;
type Schedule = NonNullable<EnvironmentInput['hub']['schedule']>;

function problemsOf(change: Change): string[] {
  const env = structuredClone(ENVIRONMENTS.hackweek) as EnvironmentInput;
  change(env);
  try {
    parseEnvironment('hackweek', env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

const schedule = (env: EnvironmentInput): Schedule => env.hub.schedule!;
const night = (env: EnvironmentInput) => schedule(env).nightMode!;

const cases: Array<[string, Change, RegExp]> = [
  [
    'fewer placeholders during a session than hub.placeholders',
    (env) => (schedule(env).placeholders[0].count = 2),
    /^hackweek\.hub\.schedule\.placeholders\.0\.count: 2 placeholders from mon 08:15 falls inside the session mon 09:00-17:00 \(sessions\.0\), which needs hub\.placeholders: 4; keep at least 4 during sessions$/,
  ],
  [
    'a drop to zero in the middle of a session',
    (env) => schedule(env).placeholders.push({ days: ['wed'], at: '12:00', count: 0 }),
    /^hackweek\.hub\.schedule\.placeholders\.2\.count: 0 placeholders from wed 12:00 falls inside the session wed 09:00-17:00/,
  ],
  [
    'a session on a day the timetable leaves at the weekend count',
    (env) => schedule(env).sessions!.push({ days: ['sat'], start: '10:00', end: '12:00' }),
    /^hackweek\.hub\.schedule\.placeholders\.1\.count: 0 placeholders from fri 17:00 falls inside the session sat 10:00-12:00 \(sessions\.1\)/,
  ],
  [
    'more placeholders than the pool hosts at max size',
    (env) => (schedule(env).placeholders[0].count = 101),
    /^hackweek\.hub\.schedule\.placeholders\.0\.count: 101 placeholders of profile 'icesat2' need more than pool 'user' hosts at max size: 100 \(25 x m5\.2xlarge at 4 per node\); allowed: 0 to 100$/,
  ],
  [
    'a night mode that starts before the sessions end',
    (env) => (night(env).start = '16:00'),
    /^hackweek\.hub\.schedule\.nightMode\.start: night mode from 16:00 to 07:00 overlaps the session mon,tue,wed,thu,fri 09:00-17:00 \(sessions\.0\) at mon 16:00; the night must start after the last session of the day ends/,
  ],
  [
    'a night mode that runs into the next morning session',
    (env) => (night(env).end = '09:30'),
    /^hackweek\.hub\.schedule\.nightMode\.start: night mode from 22:00 to 09:30 overlaps the session .* at mon 09:00/,
  ],
  [
    'an opt-out group of an organisation the login does not allow',
    (env) => (night(env).optOutGroup = 'SomeOtherOrg:night-owls'),
    /^hackweek\.hub\.schedule\.nightMode\.optOutGroup: 'SomeOtherOrg:night-owls' is not a team of an allowed organisation; with GitHub login groups are 'org:team' of 'ICESAT-2HackWeek'/,
  ],
  [
    'an opt-out group that is not a team',
    (env) => (night(env).optOutGroup = 'night-owls'),
    /^hackweek\.hub\.schedule\.nightMode\.optOutGroup: 'night-owls' is not a team of an allowed organisation/,
  ],
  [
    'an unknown time zone',
    (env) => (schedule(env).timeZone = 'Pacific/Seattle'),
    /^hackweek\.hub\.schedule\.timeZone: "Pacific\/Seattle" is not an IANA time zone such as America\/Los_Angeles or UTC$/,
  ],
  [
    'a mistyped time',
    (env) => (schedule(env).placeholders[1].at = '5pm'),
    /^hackweek\.hub\.schedule\.placeholders\.1\.at: must be a time such as 08:30 \(24-hour HH:MM\) \(received "5pm"\)$/,
  ],
  [
    'a mistyped day',
    (env) => ((schedule(env).placeholders[0].days as string[])[0] = 'monday'),
    /^hackweek\.hub\.schedule\.placeholders\.0\.days\.0: must be one of mon, tue, wed, thu, fri, sat, sun \(received "monday"\)$/,
  ],
  [
    'two counts for the same day and time',
    (env) => schedule(env).placeholders.push({ days: ['tue'], at: '17:00', count: 4 }),
    /^hackweek\.hub\.schedule\.placeholders\.(1|2): tue 17:00 is also set by placeholders\.(1|2); give each day and time one count$/,
  ],
  [
    'a session that ends before it starts',
    (env) => (schedule(env).sessions![0].end = '08:00'),
    /^hackweek\.hub\.schedule\.sessions\.0\.end: 08:00 is not after start 09:00; a session starts and ends on the same day$/,
  ],
  [
    'a night that lasts no time',
    (env) => (night(env).end = night(env).start),
    /^hackweek\.hub\.schedule\.nightMode\.end: 22:00 equals start; a night must last some time$/,
  ],
  [
    'a profile idle timeout longer than the hub-wide one',
    (env) => (env.hub.profiles[1].idleTimeoutSeconds = 7200),
    /^hackweek\.hub\.profiles\.1\.idleTimeoutSeconds: 7200 exceeds culling\.idleTimeoutSeconds 3600; the hub's culler would stop profile 'gpu' first\. Allowed: 300 to 3600$/,
  ],
];

describe('schedule checks', () => {
  it('accept the hackweek timetable, which has sessions, placeholders and night mode', () => {
    const env = parseEnvironment('hackweek', structuredClone(ENVIRONMENTS.hackweek));
    expect(env.hub.schedule?.sessions.length).toBeGreaterThan(0);
    expect(env.hub.schedule?.nightMode?.optOutGroup).toBe('ICESAT-2HackWeek:night-owls');
  });

  it.each(cases)('reject %s', (_label, change, expected) => {
    const problems = problemsOf(change);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('let a dummy-login hub name any opt-out group (the hub creates it)', () => {
    const env = structuredClone(ENVIRONMENTS.dev) as EnvironmentInput;
    env.hub.schedule = {
      timeZone: 'UTC',
      placeholders: [{ days: ['mon'], at: '08:00', count: 0 }],
      nightMode: { start: '20:00', end: '06:00', optOutGroup: 'night-owls' },
    };
    expect(() => parseEnvironment('dev', env)).not.toThrow();
  });
});
