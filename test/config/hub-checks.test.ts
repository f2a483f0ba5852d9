/**
 * Every hub rule rejects a bad configuration with a message that names the environment,
 * the field, the profile (where there is one), the value and what is allowed.
 */
import { ENVIRONMENTS } from '../../config';
import { hubStartTimeout, loadTestStartTarget, profileStartTimeout } from '../../config/hub-checks';
import { parseEnvironment } from '../../config/load';
import { EnvironmentInput } from '../../config/schema';
import { Change, problemsOf, profile } from '../support/environment-variants';

const cases: Array<[string, string, Change, RegExp]> = [
  [
    'a CPU limit without a guarantee',
    'staging',
    (env) => (profile(env, 'default').cpu = { limit: 2 }),
    /^staging\.hub\.profiles\.0\.cpu\.guarantee: profile 'default' sets a CPU limit of 2 but no guarantee; Kubernetes would reserve the whole limit for every server\. Set cpu\.guarantee at or below 2$/,
  ],
  [
    'a memory limit without a guarantee',
    'staging',
    (env) => (profile(env, 'large-memory').memory = { limit: '7.5G' }),
    /^staging\.hub\.profiles\.1\.memory\.guarantee: profile 'large-memory' sets a memory limit of 7\.5G but no guarantee/,
  ],
  [
    'a profile with no guarantee at all',
    'staging',
    (env) => (profile(env, 'large-memory').cpu = {}),
    /^staging\.hub\.profiles\.1\.cpu\.guarantee: profile 'large-memory' sets no CPU guarantee; every profile needs one/,
  ],
  [
    'a memory guarantee above its limit',
    'hackweek',
    (env) => (profile(env, 'icesat2').memory = { guarantee: '9G', limit: '8G' }),
    /^hackweek\.hub\.profiles\.0\.memory\.guarantee: profile 'icesat2' guarantees 9G memory but limits it to 8G; the guarantee must not exceed the limit$/,
  ],
  [
    'a CPU guarantee above its limit',
    'staging',
    (env) => (profile(env, 'gpu').cpu = { guarantee: 4, limit: 2 }),
    /^staging\.hub\.profiles\.2\.cpu\.guarantee: profile 'gpu' guarantees 4 CPU but limits it to 2/,
  ],
  [
    'a guarantee larger than a node of the pool',
    'staging',
    (env) => (profile(env, 'large-memory').cpu = { guarantee: 20, limit: 20 }),
    /^staging\.hub\.profiles\.1\.cpu\.guarantee: profile 'large-memory' guarantees 20 CPU, 7\.5G, more than one m5\.4xlarge of pool 'large' can give a user \(\d+(\.\d+)? CPU, \d+ MiB, 0 GPU allocatable\)$/,
  ],
  [
    'a profile on a pool that does not exist',
    'staging',
    (env) => (profile(env, 'gpu').pool = 'a100'),
    /^staging\.hub\.profiles\.2\.pool: 'a100' is not a user or GPU pool; pools: user, large, gpu$/,
  ],
  [
    'a profile on the core pool',
    'staging',
    (env) => (profile(env, 'large-memory').pool = 'core'),
    /^staging\.hub\.profiles\.1\.pool: 'core' is not a user or GPU pool/,
  ],
  [
    'a CPU profile on a GPU pool (the GPU taint is not tolerated)',
    'staging',
    (env) => (profile(env, 'large-memory').pool = 'gpu'),
    /^staging\.hub\.profiles\.1\.pool: profile 'large-memory' does not tolerate the pool's taint nvidia\.com\/gpu=present:NoSchedule, so its servers could never start on pool 'gpu'; CPU profiles run on user pools \(user, large\)/,
  ],
  [
    'a GPU profile on a CPU pool',
    'staging',
    (env) => (profile(env, 'gpu').pool = 'large'),
    /^staging\.hub\.profiles\.2\.gpus: profile 'gpu' asks for 1 GPU but pool 'large' \(m5\.4xlarge\) is not a GPU pool; GPU pools: gpu$/,
  ],
  [
    'more GPUs than a node of the GPU pool has',
    'staging',
    (env) => (profile(env, 'gpu').gpus = 2),
    /^staging\.hub\.profiles\.2\.cpu\.guarantee: profile 'gpu' guarantees 2 CPU, 12G, 2 GPU, more than one g4dn\.xlarge of pool 'gpu' can give a user/,
  ],
  [
    'a GPU profile that gives a GPU node too little time to start',
    'staging',
    (env) => (profile(env, 'gpu').startTimeoutSeconds = 600),
    /^staging\.hub\.profiles\.2\.startTimeoutSeconds: 600 s is less than a server of profile 'gpu' may need on pool 'gpu': a GPU node from zero boots in up to 600 s and pulls the image in up to 300 s; set at least 900$/,
  ],
  [
    "a hub-wide start timeout shorter than a CPU node's boot and image pull",
    'hackweek',
    (env) => (env.hub.startTimeoutSeconds = 300),
    /^hackweek\.hub\.startTimeoutSeconds: 300 s is less than a server of profile 'icesat2' may need on pool 'user': a CPU node from zero boots in up to 300 s and pulls the image in up to 300 s; set at least 600, or leave it out to give each profile what its pool needs$/,
  ],
  [
    "a GitHub App's client id declared as an OAuth App",
    'hackweek',
    (env) => {
      if (env.hub.authentication.type === 'github') env.hub.authentication.clientKind = 'oauth-app';
    },
    /^hackweek\.hub\.authentication\.clientKind: 'oauth-app' does not match client id 'Iv1\.hackweek2020', which has the GitHub App format \('Iv1\.' or 'Iv23'\); set clientKind: 'github-app' and give the app the organisation permission Members: read-only, or the organisation and team checks refuse everyone$/,
  ],
  [
    "an OAuth App's client id declared as a GitHub App",
    'hackweek',
    (env) => {
      if (env.hub.authentication.type === 'github') env.hub.authentication.clientId = 'Ov23liAbCdEf01234567';
    },
    /^hackweek\.hub\.authentication\.clientKind: 'github-app' does not match client id 'Ov23liAbCdEf01234567', which has the OAuth App format \('Ov23' or 20 hex digits\); set clientKind: 'oauth-app'$/,
  ],
  [
    'a failure limit that one scale-up can reach',
    'hackweek',
    (env) => (env.hub.consecutiveFailureLimit = 5),
    /^hackweek\.hub\.consecutiveFailureLimit: 5 is not above concurrentSpawnLimit 30: up to 30 spawns can wait on the same new nodes and time out together, and the hub exits after 5 failures in a row; set more than 30 \(the default is twice concurrentSpawnLimit\)$/,
  ],
  [
    'a load-test p95 target the start timeout makes impossible to miss',
    'hackweek',
    (env) => (env.hub.loadTest = { p95StartSeconds: 600 }),
    /^hackweek\.hub\.loadTest\.p95StartSeconds: 600 is not below the 600 s start timeout of the default profile 'icesat2', which fails a server that slow anyway; allowed: 1 to 599$/,
  ],
  [
    'a load-test p95 target of zero',
    'hackweek',
    (env) => (env.hub.loadTest = { p95StartSeconds: 0 }),
    /^hackweek\.hub\.loadTest\.p95StartSeconds: Too small: expected number to be >=1 \(received 0\)$/,
  ],
  [
    'two default profiles',
    'staging',
    (env) => (profile(env, 'gpu').default = true),
    /^staging\.hub\.profiles: 'default' and 'gpu' are all marked default; mark one profile at most$/,
  ],
  [
    'a default profile only some users may pick',
    'hackweek',
    (env) => (profile(env, 'icesat2').allowedGroups = ['ICESAT-2HackWeek:tutorial-leads']),
    /^hackweek\.hub\.profiles\.0\.allowedGroups: profile 'icesat2' is the default profile but is restricted to some users; the default must be open to everyone: open it or mark another profile default$/,
  ],
  [
    'a restricted first profile when none is marked default',
    'staging',
    (env) => {
      profile(env, 'default').default = false;
      profile(env, 'default').allowedUsers = ['alice'];
    },
    /^staging\.hub\.profiles\.0\.allowedUsers: profile 'default' is the default profile/,
  ],
  [
    'two profiles with one slug',
    'staging',
    (env) => (profile(env, 'gpu').slug = 'default'),
    /^staging\.hub\.profiles\.2\.slug: 'default' names two profiles; slugs must be unique$/,
  ],
  [
    'an active server limit above what the pools host',
    'hackweek',
    (env) => (env.hub.activeServerLimit = 500),
    /^hackweek\.hub\.activeServerLimit: 500 exceeds the 102 servers the pools can host at max size \(user: 25 x 4, gpu: 2 x 1\); lower it or raise the pools' maxSize$/,
  ],
  [
    'the shared-password login on a public hub',
    'staging',
    (env) => (env.hub.authentication = { type: 'shared-password' }),
    /^staging\.hub\.authentication\.type: 'shared-password' lets anyone with the one password log in under any name; it is allowed only with hub\.publiclyReachable: false$/,
  ],
  [
    'admins on the shared-password login',
    'dev',
    (env) => (env.hub.admins = { users: ['admin'] }),
    /^dev\.hub\.admins: names admins, but the 'shared-password' login has none/,
  ],
  [
    'a GitHub login as admin',
    'hackweek',
    (env) => (env.hub.admins = { users: ['hackweek-organiser'], groups: ['ICESAT-2HackWeek:organisers'] }),
    /^hackweek\.hub\.admins\.users: \["hackweek-organiser"\]: with 'github' login admins come from groups only/,
  ],
  [
    'an OIDC user name as admin',
    'prod',
    (env) => (env.hub.admins = { users: ['alice'], groups: ['jupyterhub-admins'] }),
    /^prod\.hub\.admins\.users: \["alice"\]: with 'oidc' login admins come from groups only/,
  ],
  [
    'a username claim other than sub without a recorded decision',
    'prod',
    (env) => {
      if (env.hub.authentication.type === 'oidc') env.hub.authentication.usernameClaim = 'preferred_username';
    },
    /^prod\.hub\.authentication\.usernameClaim: 'preferred_username' is not guaranteed unique or unchanging \(OIDC Core 5\.7: only 'sub' is\)/,
  ],
  [
    'a GitHub team the hub relies on but does not list',
    'hackweek',
    (env) => (env.hub.instructors = { groups: ['ICESAT-2HackWeek:helpers'] }),
    /^hackweek\.hub\.instructors\.groups\.0: 'ICESAT-2HackWeek:helpers' is not in hub\.authentication\.teams/,
  ],
  [
    'a GitHub team outside the allowed organisations',
    'hackweek',
    (env) => {
      if (env.hub.authentication.type === 'github') env.hub.authentication.teams!.push('other-org:admins');
    },
    /^hackweek\.hub\.authentication\.teams\.2: 'other-org:admins' is not in an organisation of hub\.authentication\.allowedOrganizations \(ICESAT-2HackWeek\)$/,
  ],
  [
    "Let's Encrypt for a hub Let's Encrypt cannot reach",
    'dev',
    (env) => (env.hub.https = { type: 'letsencrypt', contactEmail: 'ops@example.org' }),
    /^dev\.hub\.https\.type: 'letsencrypt' needs Let's Encrypt to reach the hub, which is not publicly reachable; use 'acm'$/,
  ],
  [
    'a hub name outside its hosted zone',
    'prod',
    (env) => (env.hub.domain = { name: 'jupyter.example.com', hostedZone: 'hub.example.org' }),
    /^prod\.hub\.domain\.name: 'jupyter\.example\.com' is not inside the hosted zone 'hub\.example\.org'/,
  ],
  [
    'a hub name at the zone apex (no CNAME possible)',
    'prod',
    (env) => (env.hub.domain = { name: 'hub.example.org', hostedZone: 'hub.example.org' }),
    /^prod\.hub\.domain\.name: 'hub\.example\.org' is not inside the hosted zone 'hub\.example\.org'/,
  ],
  [
    'instructor groups with an authenticator that has no groups',
    'dev',
    (env) => (env.hub.instructors = { groups: ['teachers'] }),
    /^dev\.hub\.instructors\.groups: hub\.instructors names groups, but the 'shared-password' authenticator supplies none/,
  ],
  [
    'a group-restricted profile with an authenticator that has no groups',
    'dev',
    (env) => (profile(env, 'gpu').allowedGroups = ['gpu-users']),
    /^dev\.hub\.profiles\.2\.allowedGroups: profile 'gpu' names groups, but the 'shared-password' authenticator supplies none/,
  ],
  [
    'a production hub without JupyterHub admins',
    'prod',
    (env) => (env.hub.admins = { users: [], groups: [] }),
    /^prod\.hub\.admins: names no user or group; a production hub needs JupyterHub admins/,
  ],
  [
    'a culler that checks less often than its timeout',
    'hackweek',
    (env) => (env.hub.culling = { idleTimeoutSeconds: 3600, checkIntervalSeconds: 3600 }),
    /^hackweek\.hub\.culling\.checkIntervalSeconds: 3600 is not below idleTimeoutSeconds 3600/,
  ],
  [
    'a maximum age shorter than the idle timeout',
    'hackweek',
    (env) => (env.hub.culling = { idleTimeoutSeconds: 3600, maxAgeSeconds: 1800 }),
    /^hackweek\.hub\.culling\.maxAgeSeconds: 1800 is below idleTimeoutSeconds 3600; use 0 \(no maximum age\) or at least the idle timeout$/,
  ],
  [
    'kernels culled no sooner than servers',
    'staging',
    (env) => (env.hub.kernelCulling = { idleTimeoutSeconds: 3600 }),
    /^staging\.hub\.kernelCulling\.idleTimeoutSeconds: 3600 is not below the server idle timeout 3600/,
  ],
  [
    'an OIDC endpoint over plain HTTP',
    'staging',
    (env) => {
      if (env.hub.authentication.type === 'oidc')
        env.hub.authentication.tokenUrl = 'http://login.example.org/token';
    },
    /^staging\.hub\.authentication\.tokenUrl: .*\(received "http:\/\/login\.example\.org\/token"\)$/,
  ],
  [
    'a client secret given as a value instead of a name',
    'prod',
    (env) => {
      if (env.hub.authentication.type === 'oidc')
        env.hub.authentication.clientSecret = { source: 'ssm', name: 's3cr3t value!' };
    },
    /^prod\.hub\.authentication\.clientSecret\.name: must be a Secrets Manager secret or SSM parameter name \(received "s3cr3t value!"\)$/,
  ],
  [
    "a profile image on the moving 'latest' tag",
    'staging',
    (env) => (profile(env, 'gpu').image = { name: 'quay.io/jupyter/pytorch-notebook', tag: 'latest' }),
    /^staging\.hub\.profiles\.2\.image\.tag: "latest" is a moving tag; pin an exact one such as 2025-07-14, so every server gets the same image$/,
  ],
  [
    "a profile image on a family's moving tag",
    'hackweek',
    (env) => (profile(env, 'gpu').image = { name: 'quay.io/jupyter/pytorch-notebook', tag: 'cuda12-latest' }),
    /^hackweek\.hub\.profiles\.1\.image\.tag: "cuda12-latest" is a moving tag; /,
  ],
  [
    'a profile image with the tag in its name',
    'staging',
    (env) =>
      (profile(env, 'gpu').image = {
        name: 'quay.io/jupyter/pytorch-notebook:cuda12',
        tag: 'cuda12-2025-07-07',
      }),
    /^staging\.hub\.profiles\.2\.image\.name: must be an image repository without a tag, such as quay\.io\/jupyter\/pytorch-notebook \(received "quay\.io\/jupyter\/pytorch-notebook:cuda12"\)$/,
  ],
  [
    'a profile image without a tag',
    'staging',
    (env) => (profile(env, 'gpu').image = { name: 'quay.io/jupyter/pytorch-notebook' } as never),
    /^staging\.hub\.profiles\.2\.image\.tag: /,
  ],
  [
    'a JSON key that would break out of the Terraform expression',
    'prod',
    (env) => {
      if (env.hub.authentication.type === 'oidc')
        env.hub.authentication.clientSecret = {
          source: 'secrets-manager',
          name: 'hub-prod/oauth',
          jsonKey: 'a"]${x}',
        };
    },
    /^prod\.hub\.authentication\.clientSecret\.jsonKey: must be a JSON key of letters, digits, '_', '\.' or '-' \(received "a\\"\]\$\{x\}"\)$/,
  ],
];

describe('hub configuration rules', () => {
  it.each(cases)('rejects %s', (_name, label, change, expected) => {
    expect(problemsOf(label, change)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('accepts the shared-password login on a hub that is not publicly reachable', () => {
    expect(parseEnvironment('dev', ENVIRONMENTS.dev).hub.authentication.type).toBe('shared-password');
  });

  it('names OIDC users by the stable sub claim unless a decision is recorded', () => {
    const auth = parseEnvironment('prod', ENVIRONMENTS.prod).hub.authentication;
    expect(auth).toMatchObject({ type: 'oidc', usernameClaim: 'sub' });
    const decided = structuredClone(ENVIRONMENTS.prod) as EnvironmentInput;
    if (decided.hub.authentication.type === 'oidc') {
      decided.hub.authentication.usernameClaim = 'preferred_username';
      decided.hub.authentication.usernameClaimDecision =
        'The IdP assigns usernames once from HR records and never reuses or lets users edit them.';
    }
    expect(parseEnvironment('prod', decided).hub.authentication).toMatchObject({
      usernameClaim: 'preferred_username',
    });
  });

  it('resolves the documented defaults', () => {
    const { hub } = parseEnvironment('staging', ENVIRONMENTS.staging);
    expect(hub).toMatchObject({
      publiclyReachable: true,
      https: { type: 'acm' },
      culling: { idleTimeoutSeconds: 3600, checkIntervalSeconds: 600, maxAgeSeconds: 604800 },
      kernelCulling: { idleTimeoutSeconds: 1200, checkIntervalSeconds: 120 },
      concurrentSpawnLimit: 64,
      consecutiveFailureLimit: 128,
      profiling: false,
    });
  });

  it("gives each profile its pool's start time unless set, and the hub the longest profile's", () => {
    const env = parseEnvironment('staging', ENVIRONMENTS.staging);
    expect(env.hub.startTimeoutSeconds).toBeUndefined();
    // CPU pools: node boot from zero 300 s + image pull 300 s; the GPU profile sets its 900 s.
    expect(env.hub.profiles.map((p) => [p.slug, profileStartTimeout(env, p)])).toEqual([
      ['default', 600],
      ['large-memory', 600],
      ['gpu', 900],
    ]);
    expect(hubStartTimeout(env)).toBe(900);
    const slow = structuredClone(ENVIRONMENTS.staging) as EnvironmentInput;
    profile(slow, 'large-memory').startTimeoutSeconds = 1200;
    expect(hubStartTimeout(parseEnvironment('staging', slow))).toBe(1200);
  });

  it("derives the load test's p95 start target from the default profile's start timeout less node boot", () => {
    // staging's default profile: 600 s on a CPU pool whose node boots in 300 s.
    const staging = parseEnvironment('staging', ENVIRONMENTS.staging);
    expect(loadTestStartTarget(staging)).toEqual({
      seconds: 300,
      source: "default: profile 'default' start timeout 600 s less node boot 300 s",
    });
    const longer = structuredClone(ENVIRONMENTS.staging) as EnvironmentInput;
    longer.hub.startTimeoutSeconds = 720;
    expect(loadTestStartTarget(parseEnvironment('staging', longer)).seconds).toBe(420);
    const set = structuredClone(ENVIRONMENTS.staging) as EnvironmentInput;
    set.hub.loadTest = { p95StartSeconds: 90 };
    expect(loadTestStartTarget(parseEnvironment('staging', set))).toEqual({
      seconds: 90,
      source: 'hub.loadTest.p95StartSeconds',
    });
  });
});
