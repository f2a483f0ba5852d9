/**
 * The hub checks in detail: whole messages, the exact set of problems a change causes, and
 * the helpers other parts of the product read (start times, guarantees, client id formats).
 */
import { ENVIRONMENTS } from '../../config';
import {
  efsNodePluginSizing,
  githubClientFormat,
  loadTestStartTarget,
  profileGuarantee,
  profileStartTimeout,
} from '../../config/hub-checks';
import { parseEnvironment } from '../../config/load';
import { Environment, EnvironmentInput } from '../../config/schema';
import { nodeCapacity, usersPerNode } from '../../lib/capacity';
import { efsNodeSizing } from '../../lib/daemonsets';
import { problemsOf, profile } from '../support/environment-variants';

const staging = () => parseEnvironment('staging', ENVIRONMENTS.staging);

/** A parsed environment changed after its checks ran, for helpers that must cope with anything. */
function unchecked(env: Environment, change: (env: Environment) => void): Environment {
  const copy = structuredClone(env);
  change(copy);
  return copy;
}

describe('profile guarantees and start times', () => {
  it('has a guarantee only when both CPU and memory are guaranteed', () => {
    const [first] = staging().hub.profiles;
    expect(profileGuarantee(first)).toEqual({ cpu: 0.5, memory: '1.5G', gpus: 0 });
    expect(profileGuarantee({ ...first, cpu: { limit: 2 } })).toBeUndefined();
    expect(profileGuarantee({ ...first, memory: { limit: '1.5G' } })).toBeUndefined();
  });

  // lib/start-times.ts: a GPU node boots from zero in 600 s and pulls the image in 300 s, a CPU node 300 s and 300 s.
  it("gives a GPU profile without a timeout of its own its pool's 900 s, and the load test 900 s less 600 s of boot", () => {
    const env = unchecked(staging(), (e) => {
      e.hub.profiles = e.hub.profiles.map((p) =>
        p.slug === 'gpu' ? { ...p, startTimeoutSeconds: undefined, default: true } : { ...p, default: false },
      );
    });
    const gpu = env.hub.profiles.find((p) => p.slug === 'gpu')!;
    expect(profileStartTimeout(env, gpu)).toBe(900);
    expect(loadTestStartTarget(env)).toEqual({
      seconds: 300,
      source: "default: profile 'gpu' start timeout 900 s less node boot 600 s",
    });
  });

  it('times a profile whose pool does not exist as a CPU profile', () => {
    const env = unchecked(staging(), (e) => (e.hub.profiles[0].pool = 'gone'));
    expect(profileStartTimeout(env, env.hub.profiles[0])).toBe(600);
    expect(loadTestStartTarget(env).seconds).toBe(300);
    // The checks report the pool, and still judge the load test's target against 600 s.
    const missingPool = (target: number) => (e: EnvironmentInput) => {
      profile(e, 'default').pool = 'gone';
      e.hub.loadTest = { p95StartSeconds: target };
    };
    expect(problemsOf('staging', missingPool(599))).toEqual([
      "staging.hub.profiles.0.pool: 'gone' is not a user or GPU pool; pools: user, large, gpu",
    ]);
    expect(problemsOf('staging', missingPool(600))).toEqual([
      "staging.hub.profiles.0.pool: 'gone' is not a user or GPU pool; pools: user, large, gpu",
      "staging.hub.loadTest.p95StartSeconds: 600 is not below the 600 s start timeout of the default profile 'default', " +
        'which fails a server that slow anyway; allowed: 1 to 599',
    ]);
  });

  it('sizes the EFS node plugin for the most servers a node hosts, counted with the plugin at its floor', () => {
    const env = staging();
    const floor = efsNodeSizing(0).requests;
    // staging's default profile (0.5 CPU, 1.5G) on an m5.2xlarge packs the most servers of any pool.
    const most = usersPerNode('m5.2xlarge', profileGuarantee(env.hub.profiles[0])!, floor);
    expect(most).toBeGreaterThan(1);
    expect(efsNodePluginSizing(env)).toEqual(efsNodeSizing(most));
  });
});

describe('profile messages', () => {
  it('names the resource to guarantee when a memory limit has no guarantee', () => {
    expect(problemsOf('staging', (env) => (profile(env, 'large-memory').memory = { limit: '7.5G' }))).toEqual(
      [
        "staging.hub.profiles.1.memory.guarantee: profile 'large-memory' sets a memory limit of 7.5G but no guarantee; " +
          'Kubernetes would reserve the whole limit for every server. Set memory.guarantee at or below 7.5G',
      ],
    );
  });

  it('accepts a memory guarantee without a limit', () => {
    expect(
      problemsOf('staging', (env) => (profile(env, 'large-memory').memory = { guarantee: '7.5G' })),
    ).toEqual([]);
  });

  it('lists the GPU pools, or none, for a GPU profile on a CPU pool', () => {
    const onUserPool = (env: EnvironmentInput) => (profile(env, 'gpu').pool = 'user');
    expect(problemsOf('staging', onUserPool)).toEqual(
      expect.arrayContaining([
        "staging.hub.profiles.2.gpus: profile 'gpu' asks for 1 GPU but pool 'user' (m5.2xlarge) is not a GPU pool; GPU pools: gpu",
      ]),
    );
    const noGpuPools = (env: EnvironmentInput) => {
      onUserPool(env);
      env.nodePools.gpu = {};
    };
    expect(problemsOf('staging', noGpuPools)).toEqual(
      expect.arrayContaining([
        "staging.hub.profiles.2.gpus: profile 'gpu' asks for 1 GPU but pool 'user' (m5.2xlarge) is not a GPU pool; GPU pools: none",
      ]),
    );
  });

  it('names the pools of each kind when a profile could never start on its pool', () => {
    expect(problemsOf('staging', (env) => (profile(env, 'large-memory').pool = 'gpu'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^staging\.hub\.profiles\.1\.pool: profile 'large-memory' does not tolerate .*, so its servers could never start on pool 'gpu'; CPU profiles run on user pools \(user, large\), GPU profiles on GPU pools \(gpu\)$/,
        ),
      ]),
    );
  });

  it("states a node's allocatable CPU in CPUs when a guarantee fits no node", () => {
    const problems = problemsOf(
      'staging',
      (env) => (profile(env, 'default').cpu = { guarantee: 64, limit: 64 }),
    );
    const node = nodeCapacity('m5.2xlarge', efsNodePluginSizing(staging()).requests);
    expect(node.cpuMillis).toBeGreaterThan(7000);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^staging\\.hub\\.profiles\\.0\\.cpu\\.guarantee: profile 'default' guarantees 64 CPU, 1\\.5G, more than one m5\\.2xlarge of pool 'user' can give a user \\(${node.cpuMillis / 1000} CPU, \\d+ MiB, 0 GPU allocatable\\)$`,
          ),
        ),
        "staging.hub.peakUsers: 30 users of profile 'default' (64 CPU, 1.5G) do not fit on a m5.2xlarge at all",
      ]),
    );
  });
});

describe('capacity messages and exact fits', () => {
  it("counts each pool's servers by the profiles that run on it", () => {
    const env = staging();
    const efsNode = efsNodePluginSizing(env).requests;
    const [small, large, gpu] = env.hub.profiles.map((p) => profileGuarantee(p)!);
    const perNode = {
      user: usersPerNode('m5.2xlarge', small, efsNode),
      large: usersPerNode('m5.4xlarge', large, efsNode),
      gpu: usersPerNode('g4dn.xlarge', gpu, efsNode),
    };
    // The default profile would pack an m5.4xlarge far tighter than large-memory does.
    expect(usersPerNode('m5.4xlarge', small, efsNode)).toBeGreaterThan(perNode.large);
    const total = 4 * perNode.user + 2 * perNode.large + 2 * perNode.gpu;
    expect(problemsOf('staging', (e) => (e.hub.activeServerLimit = total))).toEqual([]);
    expect(problemsOf('staging', (e) => (e.hub.activeServerLimit = total + 1))).toEqual([
      `staging.hub.activeServerLimit: ${total + 1} exceeds the ${total} servers the pools can host at max size ` +
        `(user: 4 x ${perNode.user}, large: 2 x ${perNode.large}, gpu: 2 x ${perNode.gpu}); lower it or raise the pools' maxSize`,
    ]);
  });

  it('accepts placeholders that exactly fill the default pool at max size, and rejects one more', () => {
    const env = staging();
    const seats =
      usersPerNode('m5.2xlarge', profileGuarantee(env.hub.profiles[0])!, efsNodePluginSizing(env).requests) *
      4;
    const withPlaceholders = (count: number) => (e: EnvironmentInput) => {
      e.hub.placeholders = count;
      e.hub.peakUsers = 1;
    };
    expect(problemsOf('staging', withPlaceholders(seats))).toEqual([]);
    expect(problemsOf('staging', withPlaceholders(seats + 1))).toEqual([
      `staging.hub.placeholders: ${seats + 1} exceeds the ${seats} seats of profile 'default' that pool 'user' ` +
        `holds at max size (4 x ${seats / 4}); the rest could never be scheduled`,
    ]);
  });

  it('reports only the missing guarantee when the default profile has none and placeholders are set', () => {
    expect(problemsOf('staging', (env) => (profile(env, 'default').cpu = {}))).toEqual([
      "staging.hub.profiles.0.cpu.guarantee: profile 'default' sets no CPU guarantee; every profile needs one so its servers can be placed and counted",
    ]);
  });

  it('rejects a failure limit equal to the concurrent spawn limit, and accepts one more', () => {
    const limits = (failures: number) => (env: EnvironmentInput) => {
      env.hub.concurrentSpawnLimit = 30;
      env.hub.consecutiveFailureLimit = failures;
    };
    expect(problemsOf('staging', limits(31))).toEqual([]);
    expect(problemsOf('staging', limits(30))).toEqual([
      expect.stringMatching(
        /^staging\.hub\.consecutiveFailureLimit: 30 is not above concurrentSpawnLimit 30: /,
      ),
    ]);
  });
});

describe('access messages', () => {
  it('refuses admins of either kind with the shared-password login', () => {
    expect(problemsOf('dev', (env) => (env.hub.admins = { users: ['ada'], groups: ['staff'] }))).toEqual(
      expect.arrayContaining([
        "dev.hub.admins: names admins, but the 'shared-password' login has none: anyone with the password could claim an admin's name",
      ]),
    );
  });

  it('reports a production admin named by user once, as a user, not as a hub without admins', () => {
    expect(
      problemsOf('prod', (env) => (env.hub.admins = { users: ['ada'], groups: ['jupyterhub-admins'] })),
    ).toEqual([
      'prod.hub.admins.users: ["ada"]: with \'oidc\' login admins come from groups only ' +
        '(a user name can be renamed or claimed by someone else); use hub.admins.groups',
    ]);
  });

  it('says how to keep an unstable username claim', () => {
    const claim = (env: EnvironmentInput) => {
      if (env.hub.authentication.type === 'oidc') env.hub.authentication.usernameClaim = 'email';
    };
    expect(problemsOf('prod', claim)).toEqual([
      "prod.hub.authentication.usernameClaim: 'email' is not guaranteed unique or unchanging (OIDC Core 5.7: only 'sub' is), " +
        "so whoever gets that value inherits the server and home folder; keep 'sub' or " +
        'record why this identity provider keeps it stable in hub.authentication.usernameClaimDecision',
    ]);
  });

  it('requires every team the hub relies on to be listed: in allowedOrganizations, roles and profiles', () => {
    const unlisted = (env: EnvironmentInput) => {
      if (env.hub.authentication.type !== 'github') throw new Error('hackweek logs in with GitHub');
      env.hub.authentication.allowedOrganizations = ['ICESAT-2HackWeek', 'ICESAT-2HackWeek:mentors'];
      env.hub.profiles[0].allowedGroups = ['ICESAT-2HackWeek:early-access'];
    };
    const why =
      'is not in hub.authentication.teams; list every team the hub relies on, so the operator creates it before deploying (an organisation member could otherwise create it)';
    expect(problemsOf('hackweek', unlisted)).toEqual(
      expect.arrayContaining([
        `hackweek.hub.authentication.allowedOrganizations.1: 'ICESAT-2HackWeek:mentors' ${why}`,
        `hackweek.hub.profiles.0.allowedGroups.0: 'ICESAT-2HackWeek:early-access' ${why}`,
      ]),
    );
  });

  it('names every allowed organisation when a team is outside them', () => {
    const outside = (env: EnvironmentInput) => {
      if (env.hub.authentication.type !== 'github') throw new Error('hackweek logs in with GitHub');
      env.hub.authentication.allowedOrganizations.push('pangeo-data');
      env.hub.authentication.teams!.push('other-org:admins');
    };
    expect(problemsOf('hackweek', outside)).toEqual([
      "hackweek.hub.authentication.teams.2: 'other-org:admins' is not in an organisation of hub.authentication.allowedOrganizations (ICESAT-2HackWeek, pangeo-data)",
    ]);
  });
});

describe('culling messages', () => {
  it('explains a check interval that is not below the idle timeout', () => {
    expect(
      problemsOf(
        'hackweek',
        (env) => (env.hub.culling = { idleTimeoutSeconds: 600, checkIntervalSeconds: 600 }),
      ),
    ).toEqual(
      expect.arrayContaining([
        'hackweek.hub.culling.checkIntervalSeconds: 600 is not below idleTimeoutSeconds 600; ' +
          'idle servers would outlive their timeout by up to a whole interval',
      ]),
    );
  });

  it('explains kernels culled no sooner than servers', () => {
    expect(problemsOf('staging', (env) => (env.hub.kernelCulling = { idleTimeoutSeconds: 3600 }))).toEqual([
      'staging.hub.kernelCulling.idleTimeoutSeconds: 3600 is not below the server idle timeout 3600; ' +
        'idle kernels must be shut down first, or they keep servers looking busy',
    ]);
  });
});

describe('GitHub client id formats', () => {
  it.each([
    ['Iv1.0123456789abcdef', 'github-app'],
    ['Iv23liAbCdEf01234567', 'github-app'],
    ['Ov23liAbCdEf01234567', 'oauth-app'],
    ['0123456789abcdef0123', 'oauth-app'],
    // An OAuth App id that happens to contain a GitHub App prefix after its start.
    ['Ov23abcdIv23efghijkl', 'oauth-app'],
  ])('reads %s as a %s id', (id, kind) => {
    expect(githubClientFormat(id)).toBe(kind);
  });

  it.each([
    ['Ov23liAbCdEf012345678', 'one character too many'],
    ['Ov23liAbCdEf0123456', 'one character too few'],
    ['0123456789abcdef01234', '21 hex digits'],
    ['x0123456789abcdef0123', 'hex digits after another character'],
    ['0123456789ABCDEF0123', 'upper-case hex'],
    ['client-id', 'no known format'],
  ])('reads %s (%s) as neither', (id) => {
    expect(githubClientFormat(id)).toBeUndefined();
  });
});
