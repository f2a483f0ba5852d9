import { isMemoryQuantity, kubernetesMemory, memoryBytes, memoryMiB } from '../../lib/quantities';

describe('memory quantities as KubeSpawner reads them', () => {
  it('reads K, M, G and T as powers of 1024', () => {
    expect(memoryBytes('7G')).toBe(7 * 1024 ** 3);
    expect(memoryBytes('512M')).toBe(512 * 1024 ** 2);
    expect(memoryBytes('1T')).toBe(1024 ** 4);
    expect(memoryBytes('2K')).toBe(2048);
    expect(memoryBytes('100')).toBe(100);
  });

  it('accepts Kubernetes binary suffixes with the same meaning', () => {
    expect(memoryBytes('7Gi')).toBe(memoryBytes('7G'));
  });

  it('accepts fractions', () => {
    expect(memoryMiB('1.5G')).toBe(1536);
    expect(kubernetesMemory('7.5G')).toBe('7680Mi');
  });

  it.each(['7 G', '7GB', 'G', '-1G', '7g', ''])('rejects %j', (value) => {
    expect(isMemoryQuantity(value)).toBe(false);
    expect(() => memoryBytes(value)).toThrow(/is not a number with an optional K, M, G or T suffix/);
  });
});
