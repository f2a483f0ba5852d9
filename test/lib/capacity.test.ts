import {
  maxPods,
  nodeCapacity,
  nodesForUsers,
  reservedCpuMillis,
  reservedMemoryMiB,
  usersPerNode,
} from '../../lib/capacity';
import { efsNodeSizing } from '../../lib/daemonsets';
import { INSTANCE_TYPES, instanceTypeSpec } from '../../lib/instance-types';

/** The EFS node plugin as hackweek sizes it: four servers per node. */
const EFS = efsNodeSizing(4).requests;

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

  it('leaves an m5.2xlarge with its OS-visible memory minus reserves, eviction threshold and DaemonSets', () => {
    // By hand: the OS sees 30.886Gi of the nominal 32 GiB (2i2c's measurement of the 32 GiB
    // r5.xlarge and g4dn.2xlarge on EKS) = 31627 MiB. DaemonSets on a CPU node: aws-node
    // 50m, kube-proxy 100m, ebs-csi-node 30m/120Mi, node-exporter 50m/64Mi, the two image
    // pullers 10m/16Mi each, and the EFS node plugin for 4 servers: 180m + 2 x 10m sidecars,
    // memory (8 mounts x 12 + 8 in flight x 30) x 1.5 = 504 Mi + 2 x 16Mi sidecars = 536 Mi.
    expect(instanceTypeSpec('m5.2xlarge')).toMatchObject({ memoryMiB: 32768, osMemoryMiB: 31627 });
    expect(EFS).toEqual({ name: 'efs-csi-node', cpuMillis: 200, memoryMiB: 536 });
    expect(nodeCapacity('m5.2xlarge', EFS)).toEqual({
      instanceType: 'm5.2xlarge',
      maxPods: 58,
      cpuMillis: 8000 - 90 - 450, // 7460
      memoryMiB: 31627 - 893 - 100 - (120 + 64 + 32 + 536), // 29882, about 29.2 GiB
      pods: 58 - 7,
      gpus: 0,
    });
  });

  it('starts every instance type from less memory than EC2 sells, naming where the figure comes from', () => {
    for (const [name, spec] of Object.entries(INSTANCE_TYPES)) {
      expect({ name, below: spec.osMemoryMiB < spec.memoryMiB }).toEqual({ name, below: true });
      expect(spec.osMemorySource).toMatch(/^(measured on|interpolated between) /);
    }
    // A g4dn.xlarge's OS sees 15.172Gi = 15536 MiB: minus 574 reserved and 100 eviction,
    // ebs 120, pullers 32, device plugin 64, node-exporter 64, DCGM exporter 512 and an EFS
    // plugin for one server (160): 13910 MiB, so 13G fits and 14G does not. Nominal memory
    // would have claimed 1000 MiB more.
    const one = efsNodeSizing(1).requests;
    expect(one.memoryMiB).toBe(128 + 32);
    expect(nodeCapacity('g4dn.xlarge', one).memoryMiB).toBe(
      15536 - 574 - 100 - (120 + 32 + 64 + 64 + 512 + 160),
    );
    expect(usersPerNode('g4dn.xlarge', { cpu: 2, memory: '14G', gpus: 1 }, one)).toBe(0);
    expect(usersPerNode('g4dn.xlarge', { cpu: 2, memory: '13G', gpus: 1 }, one)).toBe(1);
    // Where CPU nodes host 15 standard servers, the one EFS DaemonSet is sized for 30 mounts
    // ((360 + 300) x 1.5 = 990, + 32 MiB) on every node: 13048 MiB left, 13G no longer fits; 12G does.
    const big = efsNodeSizing(15).requests;
    expect(nodeCapacity('g4dn.xlarge', big).memoryMiB).toBe(
      15536 - 574 - 100 - (120 + 32 + 64 + 64 + 512 + 1022),
    );
    expect(usersPerNode('g4dn.xlarge', { cpu: 2, memory: '13G', gpus: 1 }, big)).toBe(0);
    expect(usersPerNode('g4dn.xlarge', { cpu: 2, memory: '12G', gpus: 1 }, big)).toBe(1);
  });

  it('is limited by whichever of CPU, memory, pods or GPUs runs out first', () => {
    // Memory-bound: 3 x 7.5 GiB fit in ~29.2 GiB, CPU would allow 15.
    expect(usersPerNode('m5.2xlarge', { cpu: 0.5, memory: '7.5G' }, EFS)).toBe(3);
    // Pod-bound: tiny guarantees hit the ENI pod limit.
    expect(usersPerNode('m5.large', { cpu: 0.01, memory: '10M' }, EFS)).toBe(29 - 7);
    // GPU-bound: one GPU per node.
    expect(usersPerNode('g4dn.12xlarge', { cpu: 1, memory: '4G', gpus: 1 }, EFS)).toBe(4);
    expect(usersPerNode('g4dn.xlarge', { cpu: 1, memory: '1G', gpus: 2 }, EFS)).toBe(0);
  });

  it('reports that no number of nodes hosts a user who does not fit on one', () => {
    expect(usersPerNode('m5.2xlarge', { cpu: 8, memory: '1G' }, EFS)).toBe(0);
    expect(nodesForUsers(1, 'm5.2xlarge', { cpu: 8, memory: '1G' }, EFS)).toBe(Infinity);
  });

  it('subtracts GPU-only DaemonSets only on GPU nodes', () => {
    const cpuOnly = nodeCapacity('m5.xlarge', EFS);
    const gpu = nodeCapacity('g5.xlarge', EFS); // same vCPUs, memory and ENIs as m5.xlarge
    expect(gpu.cpuMillis).toBeLessThan(cpuOnly.cpuMillis);
    // The device plugin and the DCGM exporter.
    expect(gpu.pods).toBe(cpuOnly.pods - 2);
  });

  it('rejects an unknown instance type naming the known ones', () => {
    expect(() => nodeCapacity('m7i.large', EFS)).toThrow(
      /unknown instance type 'm7i.large'; known: m5.large/,
    );
  });
});
