/**
 * The edges of the environment checks: values at a limit are accepted, one step past it
 * rejected with a message naming the field and the value.
 */
import { ENVIRONMENTS } from '../../config';
import { parseEnvironment } from '../../config/load';
import { checkClusterAccess } from '../../config/checks';
import { efsNodePluginSizing } from '../../config/hub-checks';
import { EnvironmentInput } from '../../config/schema';
import { nodesForUsers, usersPerNode } from '../../lib/capacity';
import { problemsOf, profile } from '../support/environment-variants';

const userPool = (env: EnvironmentInput) => env.nodePools.user!.user!;

/** What checkClusterAccess reports for a cluster config, as `path: message`. */
function clusterAccessIssues(config: Parameters<typeof checkClusterAccess>[0]): string[] {
  const issues: string[] = [];
  checkClusterAccess(config, (path, message) => issues.push(`${path.join('.')}: ${message}`));
  return issues;
}

describe('environment check boundaries', () => {
  it.each([
    ['a /32 operator address', ['203.0.113.7/32']],
    ['a /8 network, the broadest allowed', ['10.0.0.0/8']],
    ['several narrow networks', ['198.51.100.0/24', '203.0.113.0/28']],
  ])('accepts publicEndpointCidrs with %s', (_name, cidrs) => {
    expect(problemsOf('prod', (env) => (env.cluster.publicEndpointCidrs = cidrs))).toEqual([]);
  });

  it.each([
    ['0.0.0.0/0', 'the whole internet'],
    ['0.0.0.0/1', 'a large part of the internet'],
    ['10.0.0.0/7', 'a large part of the internet'],
  ])('rejects publicEndpointCidrs entry %s', (cidr, what) => {
    expect(problemsOf('prod', (env) => (env.cluster.publicEndpointCidrs = ['203.0.113.7/32', cidr]))).toEqual(
      [
        `prod.cluster.publicEndpointCidrs.1: ${cidr} opens the Kubernetes API to ${what}; ` +
          "list the operators' networks (/8 or narrower) or leave the list empty",
      ],
    );
  });

  it.each([['10.0.0.0/8'], ['203.0.113.7/32']])('accepts privateEndpointCidrs entry %s', (cidr) => {
    expect(problemsOf('staging', (env) => (env.cluster.privateEndpointCidrs = [cidr]))).toEqual([]);
  });

  it('rejects a privateEndpointCidrs entry of every address', () => {
    expect(
      problemsOf('staging', (env) => (env.cluster.privateEndpointCidrs = ['10.0.0.0/8', '0.0.0.0/0'])),
    ).toEqual([
      "staging.cluster.privateEndpointCidrs.1: 0.0.0.0/0 admits every address to the Kubernetes API; list the operators' networks (/8 or narrower)",
    ]);
  });

  it('reports the platform checks with the others', () => {
    expect(
      problemsOf('staging', (env) => (env.platform = { ...env.platform, gpu: { timeSlicingReplicas: 2 } })),
    ).toEqual([]);
    const noGpu = (env: EnvironmentInput) => {
      env.nodePools.gpu = {};
      env.hub.profiles = env.hub.profiles.filter((p) => p.pool !== 'gpu');
      env.platform = { ...env.platform, gpu: { timeSlicingReplicas: 2 } };
    };
    expect(problemsOf('staging', noGpu)).toEqual([
      'staging.platform.gpu.timeSlicingReplicas: 2 has no effect: the environment has no GPU pools; leave it at 1 or add nodePools.gpu',
    ]);
  });

  it.each(['10.20.0.0/16', '10.20.0.0/20'])('accepts a VPC of %s', (cidr) => {
    expect(problemsOf('staging', (env) => (env.network.vpcCidr = cidr))).toEqual([]);
  });

  it.each(['10.20.0.0/15', '10.20.0.0/21', '10.20.0.0/24'])('rejects a VPC of %s', (cidr) => {
    expect(problemsOf('staging', (env) => (env.network.vpcCidr = cidr))).toContain(
      `staging.network.vpcCidr: ${cidr} must be a /16 to /20: AWS allows no larger VPC, and pods need the addresses`,
    );
  });

  it.each([
    ['vpcCidr', (env: EnvironmentInput) => (env.network.vpcCidr = '10.20.0.0/33')],
    ['publicEndpointCidrs', (env: EnvironmentInput) => (env.cluster.publicEndpointCidrs = ['10.20.0.0/33'])],
    [
      'privateEndpointCidrs',
      (env: EnvironmentInput) => (env.cluster.privateEndpointCidrs = ['10.20.0.0/33']),
    ],
  ])('reports a malformed %s once, as not a CIDR', (field, change) => {
    expect(problemsOf('staging', change)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^staging\\.(network|cluster)\\.${field}(\\.0)?: "10\\.20\\.0\\.0/33" is not an IPv4 CIDR`,
        ),
      ),
    ]);
  });

  it('checks the API allow-lists of a cluster config that leaves privateEndpointCidrs out', () => {
    const monitoringLike = {
      region: 'us-west-2',
      network: { vpcCidr: '10.100.0.0/16', availabilityZones: ['us-west-2a', 'us-west-2b'] },
      cluster: { publicEndpointCidrs: ['0.0.0.0/0'] },
    };
    expect(clusterAccessIssues(monitoringLike)).toEqual([
      "cluster.publicEndpointCidrs.0: 0.0.0.0/0 opens the Kubernetes API to the whole internet; list the operators' networks (/8 or narrower) or leave the list empty",
    ]);
  });

  it.each(['us-west-22a', 'us-west-2', 'us-east-1a'])('rejects %s as a zone of us-west-2', (zone) => {
    // The schemas admit only names such as us-west-2a; the check stands on its own for any caller.
    const cluster = {
      region: 'us-west-2',
      network: { vpcCidr: '10.100.0.0/16', availabilityZones: ['us-west-2a', zone] },
      cluster: { publicEndpointCidrs: [] },
    };
    expect(clusterAccessIssues(cluster)).toEqual([
      `network.availabilityZones.1: '${zone}' is not a zone of us-west-2`,
    ]);
  });

  // On the core pool: a user or GPU pool's minSize must stay 0 (config/checks.ts raisedMinimum),
  // so only the core pool has a minimum above 0 for desiredSize to sit on or fall below.
  const corePool = (env: EnvironmentInput) => env.nodePools.core!;

  it.each([
    ['at minSize', 1],
    ['at maxSize', 4],
  ])('accepts desiredSize %s', (_name, desired) => {
    expect(
      problemsOf('staging', (env) =>
        Object.assign(corePool(env), { minSize: 1, maxSize: 4, desiredSize: desired }),
      ),
    ).toEqual([]);
  });

  it.each([0, 5])('rejects desiredSize %i outside minSize 1 .. maxSize 4', (desired) => {
    expect(
      problemsOf('staging', (env) =>
        Object.assign(corePool(env), { minSize: 1, maxSize: 4, desiredSize: desired }),
      ),
    ).toEqual([`staging.nodePools.core.desiredSize: ${desired} is outside minSize 1 .. maxSize 4`]);
  });

  it('accepts a pool whose minSize equals its maxSize', () => {
    expect(problemsOf('staging', (env) => Object.assign(corePool(env), { minSize: 4, maxSize: 4 }))).toEqual(
      [],
    );
  });

  it('accepts a user pool at minSize 0 and refuses a minSize of 1', () => {
    expect(
      problemsOf('staging', (env) => Object.assign(userPool(env), { minSize: 0, desiredSize: 0 })),
    ).toEqual([]);
    expect(problemsOf('staging', (env) => Object.assign(userPool(env), { minSize: 1 }))).toEqual([
      expect.stringMatching(
        /^staging\.nodePools\.user\.user\.minSize: 1 is refused: user pools scale from zero/,
      ),
    ]);
  });

  it('says how to keep warm seats or start nodes instead of raising a pool minimum', () => {
    const later =
      "so EKS would reject a minimum above the pool's current desired size and the apply would fail; leave it at 0 and ";
    const idle = ' (the autoscaler removes idle nodes after platform.autoscaler.scaleDownUnneededMinutes)';
    expect(problemsOf('staging', (env) => Object.assign(userPool(env), { minSize: 2 }))).toEqual([
      'staging.nodePools.user.user.minSize: 2 is refused: user pools scale from zero and the autoscaler owns their size, ' +
        later +
        'to keep warm seats, raise hub.placeholders (placeholders of the default profile hold seats and the autoscaler adds nodes for them); ' +
        'to start nodes now, run `aws eks update-nodegroup-config --cluster-name hub-staging --nodegroup-name hub-staging-user --scaling-config desiredSize=2`' +
        idle,
    ]);
    expect(problemsOf('staging', (env) => Object.assign(env.nodePools.gpu!.gpu!, { minSize: 1 }))).toEqual([
      'staging.nodePools.gpu.gpu.minSize: 1 is refused: gpu pools scale from zero and the autoscaler owns their size, ' +
        later +
        'to start GPU nodes ahead of a session, run `aws eks update-nodegroup-config --cluster-name hub-staging --nodegroup-name hub-staging-gpu --scaling-config desiredSize=1`' +
        idle,
    ]);
  });

  it('rejects a maxSize one below minSize', () => {
    expect(
      problemsOf('staging', (env) => Object.assign(userPool(env), { minSize: 4, maxSize: 3 })),
    ).toContain('staging.nodePools.user.user.maxSize: 3 is below minSize 4');
  });

  it('accepts a core pool of one node and rejects one of none', () => {
    expect(problemsOf('staging', (env) => Object.assign(env.nodePools.core!, { minSize: 1 }))).toEqual([]);
    expect(problemsOf('staging', (env) => Object.assign(env.nodePools.core!, { minSize: 0 }))).toContain(
      'staging.nodePools.core.minSize: 0 leaves the hub nowhere to run; must be at least 1',
    );
  });

  it('rejects a GPU pool named like a user pool', () => {
    const clash = (env: EnvironmentInput) =>
      (env.nodePools.gpu = {
        ...env.nodePools.gpu,
        user: { instanceType: 'g4dn.xlarge', minSize: 0, maxSize: 1 },
      });
    expect(problemsOf('staging', clash)).toContain(
      "staging.nodePools.gpu.user: pool name 'user' is also a user pool; pool names must be unique",
    );
  });

  it('rejects a GPU type in a user pool and a CPU type in a GPU pool', () => {
    expect(problemsOf('staging', (env) => (userPool(env).instanceType = 'g4dn.xlarge'))).toContain(
      "staging.nodePools.user.user.instanceType: 'g4dn.xlarge' is a GPU type; declare it under nodePools.gpu",
    );
    expect(problemsOf('staging', (env) => (env.nodePools.gpu!.gpu!.instanceType = 'm5.xlarge'))).toContain(
      "staging.nodePools.gpu.gpu.instanceType: 'm5.xlarge' has no GPU; a GPU pool needs a type such as g4dn.xlarge",
    );
  });

  it('accepts local state only in development', () => {
    expect(problemsOf('dev', (env) => (env.state = { backend: 'local' }))).toEqual([]);
    expect(problemsOf('staging', (env) => (env.state = { backend: 'local' }))).toContain(
      "staging.state.backend: 'local' keeps state on one laptop; a staging environment must use 's3'",
    );
  });
});

describe('hub check boundaries', () => {
  it('treats a default: true on a later profile as the default', () => {
    const laterDefault = (env: EnvironmentInput) => {
      profile(env, 'default').default = false;
      profile(env, 'large-memory').default = true;
      profile(env, 'large-memory').allowedUsers = ['alice'];
    };
    expect(problemsOf('staging', laterDefault)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^staging\.hub\.profiles\.1\.allowedUsers: profile 'large-memory' is the default profile/,
        ),
        expect.stringMatching(/^staging\.hub\.peakUsers: 30 users of profile 'large-memory'/),
      ]),
    );
  });

  it('lets the first profile be restricted when a later one is the default', () => {
    const restrictedFirst = (env: EnvironmentInput) => {
      profile(env, 'default').default = false;
      profile(env, 'default').allowedUsers = ['alice'];
      profile(env, 'large-memory').default = true;
      env.hub.peakUsers = 1;
    };
    expect(problemsOf('staging', restrictedFirst)).toEqual([]);
  });

  it('accepts peakUsers that exactly fill the default pool at max size, and rejects one more', () => {
    const env = parseEnvironment('staging', ENVIRONMENTS.staging);
    const chosen = env.hub.profiles.find((p) => p.default)!;
    const pool = env.nodePools.user[chosen.pool];
    const guarantee = { cpu: chosen.cpu.guarantee!, memory: chosen.memory.guarantee!, gpus: chosen.gpus };
    const efsNode = efsNodePluginSizing(env).requests;
    const fit = usersPerNode(pool.instanceType, guarantee, efsNode) * pool.maxSize;
    expect(nodesForUsers(fit, pool.instanceType, guarantee, efsNode)).toBe(pool.maxSize);
    expect(problemsOf('staging', (e) => (e.hub.peakUsers = fit))).toEqual([]);
    expect(problemsOf('staging', (e) => (e.hub.peakUsers = fit + 1))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^staging\\.hub\\.peakUsers: ${fit + 1} users of profile '${chosen.slug}' .* need ${pool.maxSize + 1} ${pool.instanceType.replace('.', '\\.')} nodes at ${fit / pool.maxSize} per node, but nodePools\\.user\\.${chosen.pool}\\.maxSize is ${pool.maxSize}$`,
        ),
      ),
    ]);
  });

  it('accepts an active server limit equal to what the pools host, and rejects one more', () => {
    // hackweek: 4 user nodes of 25 servers and 2 GPU nodes of 1.
    expect(problemsOf('hackweek', (env) => (env.hub.activeServerLimit = 102))).toEqual([]);
    expect(problemsOf('hackweek', (env) => (env.hub.activeServerLimit = 103))).toEqual([
      expect.stringMatching(/^hackweek\.hub\.activeServerLimit: 103 exceeds the 102 servers/),
    ]);
  });

  // A GPU node from zero needs 600 s to boot and 300 s to pull the image (lib/start-times.ts).
  it('accepts a GPU profile with exactly 900 s to start, and rejects 899', () => {
    expect(problemsOf('staging', (env) => (profile(env, 'gpu').startTimeoutSeconds = 900))).toEqual([]);
    expect(problemsOf('staging', (env) => (profile(env, 'gpu').startTimeoutSeconds = 899))).toEqual([
      expect.stringMatching(/^staging\.hub\.profiles\.2\.startTimeoutSeconds: .*899/),
    ]);
  });

  it.each([
    ['no maximum age (0), as the message recommends', { idleTimeoutSeconds: 3600, maxAgeSeconds: 0 }],
    ['a maximum age equal to the idle timeout', { idleTimeoutSeconds: 3600, maxAgeSeconds: 3600 }],
    [
      'a check interval just below the idle timeout',
      { idleTimeoutSeconds: 3600, checkIntervalSeconds: 3599 },
    ],
  ])('accepts culling with %s', (_name, culling) => {
    expect(problemsOf('hackweek', (env) => (env.hub.culling = culling))).toEqual([]);
  });

  it('accepts kernels culled one second before servers', () => {
    expect(problemsOf('staging', (env) => (env.hub.kernelCulling = { idleTimeoutSeconds: 3599 }))).toEqual(
      [],
    );
  });

  it('requires JupyterHub admins only in production', () => {
    const none = (env: EnvironmentInput) => (env.hub.admins = { users: [], groups: [] });
    expect(problemsOf('staging', none)).toEqual([]);
    expect(problemsOf('prod', (env) => (env.hub.admins = { users: [], groups: ['hub-admins'] }))).toEqual([]);
    expect(problemsOf('prod', none)).toEqual([expect.stringMatching(/^prod\.hub\.admins/)]);
  });
});
