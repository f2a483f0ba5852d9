import { ENVIRONMENTS } from '../../config';
import { loadEnvironments, parseEnvironment } from '../../config/load';
import { efsNodePluginSizing } from '../../config/hub-checks';
import { dev as devInput } from '../../config/environments/dev';
import { hackweek as hackweekInput } from '../../config/environments/hackweek';
import { usersPerNode } from '../../lib/capacity';

// Every environment is loaded inside the tests, not in a describe body: a check that wrongly
// rejects one then fails a test (and mutation testing counts it) instead of the whole file.
describe('the environments in config/', () => {
  // Whatever config/index.ts lists: adding an environment adds it to every rule here.
  const labels = Object.keys(ENVIRONMENTS);
  const load = (label: string) => parseEnvironment(label, ENVIRONMENTS[label]);

  it('are all valid together, one per entry of config/index.ts', () => {
    expect(
      loadEnvironments(ENVIRONMENTS)
        .map((env) => env.name)
        .sort(),
    ).toEqual(
      Object.values(ENVIRONMENTS)
        .map((input) => input.name)
        .sort(),
    );
  });

  it.each(labels)(
    '%s keeps state in S3 and a NAT gateway per AZ unless it is a development environment',
    (label) => {
      const env = load(label);
      const development = env.tier === 'development';
      if (!development) expect(env.state.backend).toBe('s3');
      if (!development) expect(env.network.natGateways).toBe('one-per-az');
    },
  );

  it.each(labels)('%s lets its user and GPU pools scale to zero', (label) => {
    const env = load(label);
    for (const pool of [...Object.values(env.nodePools.user), ...Object.values(env.nodePools.gpu)]) {
      expect(pool.minSize).toBe(0);
    }
  });
});

describe('the example environments', () => {
  it('give dev local state and a single NAT gateway', () => {
    const dev = parseEnvironment('dev', devInput);
    expect(dev.state.backend).toBe('local');
    expect(dev.network.natGateways).toBe('single');
  });

  it('size hackweek for 80 ICESat-2 users at 4 per m5.2xlarge, with headroom over 20 nodes', () => {
    const hackweek = parseEnvironment('hackweek', hackweekInput);
    const profile = hackweek.hub.profiles.find((p) => p.default);
    expect(profile).toMatchObject({
      cpu: { guarantee: 1.75, limit: 4 },
      memory: { guarantee: '7G', limit: '8G' },
    });
    const pool = hackweek.nodePools.user[profile!.pool];
    expect(pool.instanceType).toBe('m5.2xlarge');
    const efs = efsNodePluginSizing(hackweek);
    expect(efs.serversPerNode).toBe(4);
    expect(usersPerNode(pool.instanceType, { cpu: 1.75, memory: '7G' }, efs.requests)).toBe(4);
    expect(hackweek.hub.peakUsers).toBe(80);
    expect(pool.maxSize).toBeGreaterThan(20);
  });
});

describe('defaults an environment may leave out', () => {
  const minimal = structuredClone(ENVIRONMENTS.staging);
  delete minimal.network.availabilityZones;
  minimal.nodePools = { gpu: { gpu: {} } };
  minimal.hub = { ...minimal.hub, profiles: minimal.hub.profiles.filter((p) => p.pool !== 'large') };

  it('spread over the region a, b and c zones', () => {
    const env = parseEnvironment('staging', minimal);
    expect(env.network.availabilityZones).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
  });

  it('give a core pool of m5.xlarge, one user pool on m5.2xlarge and GPU pools on g4dn.xlarge, scaling from zero', () => {
    const env = parseEnvironment('staging', minimal);
    expect(env.nodePools.core).toMatchObject({ instanceType: 'm5.xlarge', minSize: 1, diskSizeGiB: 100 });
    expect(env.nodePools.user).toEqual({
      user: { instanceType: 'm5.2xlarge', minSize: 0, maxSize: 10, diskSizeGiB: 100 },
    });
    expect(env.nodePools.gpu.gpu).toMatchObject({
      instanceType: 'g4dn.xlarge',
      minSize: 0,
      amiType: 'AL2023_x86_64_NVIDIA',
    });
  });
});
