import { readFileSync } from 'fs';
import { join } from 'path';
import { ENVIRONMENTS } from '../../config';
import { allPools } from '../../config/checks';
import { loadEnvironments } from '../../config/load';
import { formatQuotaNeeds, quotaOf, vcpuQuotaNeeds } from '../../lib/vcpu-quota';

describe('vcpuQuotaNeeds', () => {
  it('adds up every pool at max size per family, under the on-demand quota EC2 counts it in', () => {
    // hackweek: core 3 x m5.xlarge, users 25 x m5.2xlarge, GPU 2 x g4dn.xlarge.
    const needs = vcpuQuotaNeeds([
      { instanceType: 'm5.xlarge', maxSize: 3 },
      { instanceType: 'm5.2xlarge', maxSize: 25 },
      { instanceType: 'g4dn.xlarge', maxSize: 2 },
    ]);
    expect(needs).toEqual([
      {
        quota: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
        vcpus: 212,
        families: [{ family: 'm5', vcpus: 212 }],
      },
      { quota: 'Running On-Demand G and VT instances', vcpus: 8, families: [{ family: 'g4dn', vcpus: 8 }] },
    ]);
    expect(formatQuotaNeeds(needs)).toBe(
      'Standard (A, C, D, H, I, M, R, T, Z) 212 vCPU (m5 212); G and VT 8 vCPU (g4dn 8)',
    );
  });

  it('lists families of one quota separately', () => {
    const [gpu] = vcpuQuotaNeeds([
      { instanceType: 'g5.xlarge', maxSize: 2 },
      { instanceType: 'g4dn.2xlarge', maxSize: 1 },
    ]);
    expect(gpu.families).toEqual([
      { family: 'g4dn', vcpus: 8 },
      { family: 'g5', vcpus: 8 },
    ]);
    expect(gpu.vcpus).toBe(16);
  });

  it('knows the quotas of families outside the standard one', () => {
    expect(quotaOf('p4d')).toBe('Running On-Demand P instances');
    expect(quotaOf('inf2')).toBe('Running On-Demand Inf instances');
    expect(quotaOf('c6i')).toBe('Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances');
  });
});

describe("the operator guide's quota table", () => {
  const guide = readFileSync(join(__dirname, '..', '..', 'docs', 'operator-guide.md'), 'utf8');
  const rows = [...guide.matchAll(/^ {2}\| (\w+) \| (\d+) \((\w+)\) \| (\d+) \((\w+)\) \|$/gm)];

  it('shows, for each environment it lists, what the synth computes from config/', () => {
    const environments = loadEnvironments(ENVIRONMENTS);
    expect(rows.length).toBeGreaterThan(0);
    for (const [, name, standard, standardFamily, gpu, gpuFamily] of rows) {
      const env = environments.find((e) => e.name === name);
      expect(env).toBeDefined();
      const needs = vcpuQuotaNeeds(allPools(env!).map((p) => p.pool));
      const row = (quota: string) => needs.find((n) => n.quota.includes(quota));
      expect([
        name,
        row('Standard')?.vcpus,
        row('Standard')
          ?.families.map((f) => f.family)
          .join(', '),
      ]).toEqual([name, Number(standard), standardFamily]);
      expect([
        name,
        row('G and VT')?.vcpus,
        row('G and VT')
          ?.families.map((f) => f.family)
          .join(', '),
      ]).toEqual([name, Number(gpu), gpuFamily]);
    }
  });
});
