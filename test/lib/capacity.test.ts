import {
  maxPods,
  nodeCapacity,
  nodesForUsers,
  reservedCpuMillis,
  reservedMemoryMiB,
  usersPerNode,
} from '../../lib/capacity';
import { instanceTypeSpec } from '../../lib/instance-types';

describe('capacity maths (EKS AL2023 AMI)', () => {
  it('derives max pods from the ENI limits', () => {
    expect(maxPods(instanceTypeSpec('m5.large'))).toBe(29);
    expect(maxPods(instanceTypeSpec('m5.2xlarge'))).toBe(58);
    expect(maxPods(instanceTypeSpec('m5.4xlarge'))).toBe(234);
    expect(maxPods(instanceTypeSpec('g4dn.xlarge'))).toBe(29);
  });

  it('reserves CPU in tiers: 6% of core 1, 1% of core 2, 0.5% of cores 3-4, 0.25% after', () => {
    expect(reservedCpuMillis(1)).toBeCloseTo(60);
    expect(reservedCpuMillis(2)).toBeCloseTo(70);
    expect(reservedCpuMillis(4)).toBeCloseTo(80);
    expect(reservedCpuMillis(8)).toBeCloseTo(90);
    expect(reservedCpuMillis(96)).toBeCloseTo(80 + 92 * 2.5);
  });

  it('reserves 11 MiB per pod plus 255 MiB of memory', () => {
    expect(reservedMemoryMiB(58)).toBe(893);
  });

  it('leaves an m5.2xlarge with its capacity minus reserves, eviction threshold and DaemonSets', () => {
    // By hand: DaemonSets on a CPU node are aws-node 50m, kube-proxy 100m, ebs-csi-node
    // 30m/120Mi, efs-csi-node 200m/256Mi, node-exporter 50m/64Mi and the two image pullers
    // 10m/16Mi each.
    expect(nodeCapacity('m5.2xlarge')).toEqual({
      instanceType: 'm5.2xlarge',
      maxPods: 58,
      cpuMillis: 8000 - 90 - 450, // 7460
      memoryMiB: 32768 - 893 - 100 - 472, // 31303
      pods: 58 - 7,
      gpus: 0,
    });
  });

  it('fits 4 ICESat-2 users (1.75 CPU, 7G) on an m5.2xlarge', () => {
    expect(usersPerNode('m5.2xlarge', { cpu: 1.75, memory: '7G' })).toBe(4);
    expect(nodesForUsers(80, 'm5.2xlarge', { cpu: 1.75, memory: '7G' })).toBe(20);
  });

  it('is limited by whichever of CPU, memory, pods or GPUs runs out first', () => {
    // Memory-bound: 4 x 7.5 GiB fit in ~30.8 GiB, CPU would allow 15.
    expect(usersPerNode('m5.2xlarge', { cpu: 0.5, memory: '7.5G' })).toBe(4);
    // Pod-bound: tiny guarantees hit the ENI pod limit.
    expect(usersPerNode('m5.large', { cpu: 0.01, memory: '10M' })).toBe(29 - 7);
    // GPU-bound: one GPU per node.
    expect(usersPerNode('g4dn.12xlarge', { cpu: 1, memory: '4G', gpus: 1 })).toBe(4);
    expect(usersPerNode('g4dn.xlarge', { cpu: 1, memory: '1G', gpus: 2 })).toBe(0);
  });

  it('reports that no number of nodes hosts a user who does not fit on one', () => {
    expect(usersPerNode('m5.2xlarge', { cpu: 8, memory: '1G' })).toBe(0);
    expect(nodesForUsers(1, 'm5.2xlarge', { cpu: 8, memory: '1G' })).toBe(Infinity);
  });

  it('subtracts GPU-only DaemonSets only on GPU nodes', () => {
    const cpuOnly = nodeCapacity('m5.xlarge');
    const gpu = nodeCapacity('g5.xlarge'); // same vCPUs, memory and ENIs as m5.xlarge
    expect(gpu.cpuMillis).toBeLessThan(cpuOnly.cpuMillis);
    // The device plugin and the DCGM exporter.
    expect(gpu.pods).toBe(cpuOnly.pods - 2);
  });

  it('rejects an unknown instance type naming the known ones', () => {
    expect(() => nodeCapacity('m7i.large')).toThrow(/unknown instance type 'm7i.large'; known: m5.large/);
  });
});
