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
