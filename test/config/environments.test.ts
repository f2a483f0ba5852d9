import { ENVIRONMENTS } from '../../config';
import { loadEnvironments } from '../../config/load';
import { efsNodePluginSizing } from '../../config/hub-checks';
import { dev as devInput } from '../../config/environments/dev';
import { hackweek as hackweekInput } from '../../config/environments/hackweek';
import { usersPerNode } from '../../lib/capacity';

describe('the environments in config/', () => {
  // Whatever config/index.ts lists: adding an environment adds it to every rule here.
  const environments = loadEnvironments(ENVIRONMENTS);

  it('are all valid, one per entry of config/index.ts', () => {
    expect(environments.map((env) => env.name).sort()).toEqual(
      Object.values(ENVIRONMENTS)
        .map((input) => input.name)
        .sort(),
    );
  });

  it.each(environments.map((env) => [env.name, env] as const))(
    '%s keeps state in S3 and a NAT gateway per AZ unless it is a development environment',
    (_name, env) => {
      const development = env.tier === 'development';
      if (!development) expect(env.state.backend).toBe('s3');
      if (!development) expect(env.network.natGateways).toBe('one-per-az');
    },
  );

  it.each(environments.map((env) => [env.name, env] as const))(
    '%s lets its user and GPU pools scale to zero',
    (_name, env) => {
      for (const pool of [...Object.values(env.nodePools.user), ...Object.values(env.nodePools.gpu)]) {
        expect(pool.minSize).toBe(0);
      }
    },
  );
});

describe('the example environments', () => {
  const [dev, hackweek] = loadEnvironments({ dev: devInput, hackweek: hackweekInput });

  it('give dev local state and a single NAT gateway', () => {
    expect(dev.state.backend).toBe('local');
    expect(dev.network.natGateways).toBe('single');
  });

  it('size hackweek for 80 ICESat-2 users at 4 per m5.2xlarge, with headroom over 20 nodes', () => {
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
  const [env] = loadEnvironments({ staging: minimal });

  it('spread over the region a, b and c zones', () => {
    expect(env.network.availabilityZones).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
  });

  it('give a core pool of m5.xlarge, one user pool on m5.2xlarge and GPU pools on g4dn.xlarge, scaling from zero', () => {
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
