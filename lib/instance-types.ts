/**
 * The EC2 instance types the product knows how to size, with the figures the capacity
 * maths needs. Elastic network interface limits come from the EC2 documentation
 * ("Maximum IP addresses per network interface"); they fix how many pods the VPC CNI can
 * place on a node without prefix delegation.
 *
 * Memory comes twice: the nominal size EC2 sells, and the memory the operating system
 * really has (the node's `capacity.memory` as `kubectl get node` reports it, which the
 * kubelet's allocatable is computed from). The capacity maths uses the second. Its
 * source is 2i2c's measurements on EKS nodes (2i2c-org/infrastructure,
 * deployer/commands/generate/resource_allocation/instance_capacities.yaml, the
 * `mem_capacity_low` of each type): measured where they ran the type, else taken from a
 * measured type with the same memory size (the kernel's share depends on the memory
 * size, not the family), else interpolated between the nearest measured sizes.
 */
export interface InstanceTypeSpec {
  readonly vcpus: number;
  /** Nominal memory, as EC2 sells it. */
  readonly memoryMiB: number;
  /** Memory the operating system sees (the node's capacity), which allocatable starts from. */
  readonly osMemoryMiB: number;
  /** Where {@link osMemoryMiB} comes from. */
  readonly osMemorySource: string;
  /** Network interfaces the instance accepts. */
  readonly enis: number;
  /** IPv4 addresses per network interface. */
  readonly ipv4PerEni: number;
  /** NVIDIA GPUs, 0 for a CPU-only type. */
  readonly gpus: number;
  /** The GPU model, as the accelerator node label names it. */
  readonly accelerator?: string;
}

const GiB = 1024;

/** A node capacity as `kubectl get node` prints it (e.g. 30.886Gi), in whole MiB rounded down. */
const reported = (gi: number) => Math.floor(gi * GiB);

/** OS-visible memory by nominal size: 2i2c's lowest measured capacity for that size. */
const OS_MEMORY: Readonly<Record<number, { osMemoryMiB: number; osMemorySource: string }>> = {
  8: { osMemoryMiB: reported(7.461), osMemorySource: 'measured on m5.large (7.461Gi)' },
  // m5.xlarge measured lower than g4dn.xlarge (15.324Gi); the lower holds for every 16 GiB type.
  16: { osMemoryMiB: reported(15.172), osMemorySource: 'measured on m5.xlarge (15.172Gi)' },
  32: { osMemoryMiB: reported(30.886), osMemorySource: 'measured on r5.xlarge and g4dn.2xlarge (30.886Gi)' },
  64: { osMemoryMiB: reported(62.011), osMemorySource: 'measured on r5.2xlarge (62.011Gi)' },
  128: { osMemoryMiB: reported(124.353), osMemorySource: 'measured on r5.4xlarge (124.353Gi)' },
  // The kernel's share grows linearly between r5.4xlarge (3.647 GiB of 128) and r5.16xlarge (13.628 of 512).
  192: { osMemoryMiB: reported(186.689), osMemorySource: 'interpolated between r5.4xlarge and r5.16xlarge' },
  256: { osMemoryMiB: reported(249.026), osMemorySource: 'interpolated between r5.4xlarge and r5.16xlarge' },
  384: { osMemoryMiB: reported(373.699), osMemorySource: 'interpolated between r5.4xlarge and r5.16xlarge' },
};

/** Nominal memory and what the OS sees of it. */
const memory = (nominalGiB: number) => ({ memoryMiB: nominalGiB * GiB, ...OS_MEMORY[nominalGiB] });

export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeSpec>> = {
  'm5.large': { vcpus: 2, ...memory(8), enis: 3, ipv4PerEni: 10, gpus: 0 },
  'm5.xlarge': { vcpus: 4, ...memory(16), enis: 4, ipv4PerEni: 15, gpus: 0 },
  'm5.2xlarge': { vcpus: 8, ...memory(32), enis: 4, ipv4PerEni: 15, gpus: 0 },
  'm5.4xlarge': { vcpus: 16, ...memory(64), enis: 8, ipv4PerEni: 30, gpus: 0 },
  'm5.8xlarge': { vcpus: 32, ...memory(128), enis: 8, ipv4PerEni: 30, gpus: 0 },
  'm5.12xlarge': { vcpus: 48, ...memory(192), enis: 8, ipv4PerEni: 30, gpus: 0 },
  'm5.16xlarge': { vcpus: 64, ...memory(256), enis: 15, ipv4PerEni: 50, gpus: 0 },
  'm5.24xlarge': { vcpus: 96, ...memory(384), enis: 15, ipv4PerEni: 50, gpus: 0 },
  'g4dn.xlarge': {
    vcpus: 4,
    ...memory(16),
    enis: 3,
    ipv4PerEni: 10,
    gpus: 1,
    accelerator: 'nvidia-tesla-t4',
  },
  'g4dn.2xlarge': {
    vcpus: 8,
    ...memory(32),
    enis: 3,
    ipv4PerEni: 10,
    gpus: 1,
    accelerator: 'nvidia-tesla-t4',
  },
  'g4dn.4xlarge': {
    vcpus: 16,
    ...memory(64),
    enis: 3,
    ipv4PerEni: 10,
    gpus: 1,
    accelerator: 'nvidia-tesla-t4',
  },
  'g4dn.8xlarge': {
    vcpus: 32,
    ...memory(128),
    enis: 4,
    ipv4PerEni: 15,
    gpus: 1,
    accelerator: 'nvidia-tesla-t4',
  },
  'g4dn.12xlarge': {
    vcpus: 48,
    ...memory(192),
    enis: 8,
    ipv4PerEni: 30,
    gpus: 4,
    accelerator: 'nvidia-tesla-t4',
  },
  'g5.xlarge': {
    vcpus: 4,
    ...memory(16),
    enis: 4,
    ipv4PerEni: 15,
    gpus: 1,
    accelerator: 'nvidia-a10g',
  },
  'g5.2xlarge': {
    vcpus: 8,
    ...memory(32),
    enis: 4,
    ipv4PerEni: 15,
    gpus: 1,
    accelerator: 'nvidia-a10g',
  },
  'g5.4xlarge': {
    vcpus: 16,
    ...memory(64),
    enis: 8,
    ipv4PerEni: 30,
    gpus: 1,
    accelerator: 'nvidia-a10g',
  },
};

export const KNOWN_INSTANCE_TYPES = Object.keys(INSTANCE_TYPES);

/** The spec of a known instance type; throws naming the known ones otherwise. */
export function instanceTypeSpec(instanceType: string): InstanceTypeSpec {
  const spec = INSTANCE_TYPES[instanceType];
  if (!spec) {
    throw new Error(`unknown instance type '${instanceType}'; known: ${KNOWN_INSTANCE_TYPES.join(', ')}`);
  }
  return spec;
}
