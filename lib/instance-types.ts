/**
 * The EC2 instance types the product knows how to size, with the figures the capacity
 * maths needs. Elastic network interface limits come from the EC2 documentation
 * ("Maximum IP addresses per network interface"); they fix how many pods the VPC CNI can
 * place on a node without prefix delegation.
 */
export interface InstanceTypeSpec {
  readonly vcpus: number;
  readonly memoryMiB: number;
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

export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeSpec>> = {
  'm5.large': { vcpus: 2, memoryMiB: 8 * GiB, enis: 3, ipv4PerEni: 10, gpus: 0 },
  'm5.xlarge': { vcpus: 4, memoryMiB: 16 * GiB, enis: 4, ipv4PerEni: 15, gpus: 0 },
  'm5.2xlarge': { vcpus: 8, memoryMiB: 32 * GiB, enis: 4, ipv4PerEni: 15, gpus: 0 },
  'm5.4xlarge': { vcpus: 16, memoryMiB: 64 * GiB, enis: 8, ipv4PerEni: 30, gpus: 0 },
  'm5.8xlarge': { vcpus: 32, memoryMiB: 128 * GiB, enis: 8, ipv4PerEni: 30, gpus: 0 },
  'm5.12xlarge': { vcpus: 48, memoryMiB: 192 * GiB, enis: 8, ipv4PerEni: 30, gpus: 0 },
  'm5.16xlarge': { vcpus: 64, memoryMiB: 256 * GiB, enis: 15, ipv4PerEni: 50, gpus: 0 },
  'm5.24xlarge': { vcpus: 96, memoryMiB: 384 * GiB, enis: 15, ipv4PerEni: 50, gpus: 0 },
  'g4dn.xlarge': {
    vcpus: 4,
    memoryMiB: 16 * GiB,
    enis: 3,
    ipv4PerEni: 10,
    gpus: 1,
    accelerator: 'nvidia-tesla-t4',
  },
  'g4dn.2xlarge': {
    vcpus: 8,
    memoryMiB: 32 * GiB,
    enis: 3,
    ipv4PerEni: 10,
    gpus: 1,
    accelerator: 'nvidia-tesla-t4',
  },
  'g4dn.4xlarge': {
    vcpus: 16,
    memoryMiB: 64 * GiB,
    enis: 3,
    ipv4PerEni: 10,
    gpus: 1,
    accelerator: 'nvidia-tesla-t4',
  },
  'g4dn.8xlarge': {
    vcpus: 32,
    memoryMiB: 128 * GiB,
    enis: 4,
    ipv4PerEni: 15,
    gpus: 1,
    accelerator: 'nvidia-tesla-t4',
  },
  'g4dn.12xlarge': {
    vcpus: 48,
    memoryMiB: 192 * GiB,
    enis: 8,
    ipv4PerEni: 30,
    gpus: 4,
    accelerator: 'nvidia-tesla-t4',
  },
  'g5.xlarge': {
    vcpus: 4,
    memoryMiB: 16 * GiB,
    enis: 4,
    ipv4PerEni: 15,
    gpus: 1,
    accelerator: 'nvidia-a10g',
  },
  'g5.2xlarge': {
    vcpus: 8,
    memoryMiB: 32 * GiB,
    enis: 4,
    ipv4PerEni: 15,
    gpus: 1,
    accelerator: 'nvidia-a10g',
  },
  'g5.4xlarge': {
    vcpus: 16,
    memoryMiB: 64 * GiB,
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
