import { ENVIRONMENTS } from '../../config';
import { loadEnvironments } from '../../config/load';
import { efsNodePluginSizing } from '../../config/hub-checks';
import { usersPerNode } from '../../lib/capacity';

describe('the shipped environments', () => {
  const environments = loadEnvironments(ENVIRONMENTS);
  const byName = Object.fromEntries(environments.map((env) => [env.name, env]));

  it('are dev, staging, prod and hackweek, all valid', () => {
    expect(Object.keys(byName).sort()).toEqual(['dev', 'hackweek', 'prod', 'staging']);
  });

  it('keep state in S3 everywhere but dev', () => {
    expect(byName.dev.state.backend).toBe('local');
    for (const name of ['staging', 'prod', 'hackweek']) expect(byName[name].state.backend).toBe('s3');
  });

  it('give dev a single NAT gateway and everyone else one per AZ', () => {
    expect(byName.dev.network.natGateways).toBe('single');
    for (const name of ['staging', 'prod', 'hackweek'])
      expect(byName[name].network.natGateways).toBe('one-per-az');
  });

  it('size hackweek for 80 ICESat-2 users at 4 per m5.2xlarge, with headroom over 20 nodes', () => {
    const hackweek = byName.hackweek;
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

  it('let user and GPU pools scale to zero', () => {
    for (const env of environments) {
      for (const pool of [...Object.values(env.nodePools.user), ...Object.values(env.nodePools.gpu)]) {
        expect(pool.minSize).toBe(0);
      }
    }
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
