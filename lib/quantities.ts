/**
 * Resource quantities as the zero-to-jupyterhub chart reads them.
 *
 * KubeSpawner treats the suffixes K, M, G and T as powers of 1024, so `7G` in a profile is
 * 7 GiB, not 7 GB. Kubernetes-style binary suffixes (Ki, Mi, Gi, Ti) mean the same here.
 */

const MEMORY_SUFFIX_BYTES: Record<string, number> = {
  '': 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)(K|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** Whether `value` is a memory size KubeSpawner accepts (for example `7G`, `1.5G`, `512M`). */
export function isMemoryQuantity(value: string): boolean {
  return MEMORY_PATTERN.test(value);
}

/** Bytes in a KubeSpawner memory size; throws on a value {@link isMemoryQuantity} rejects. */
export function memoryBytes(value: string): number {
  const match = MEMORY_PATTERN.exec(value);
  if (!match) {
    throw new Error(`memory size '${value}' is not a number with an optional K, M, G or T suffix`);
  }
  return Math.floor(Number(match[1]) * MEMORY_SUFFIX_BYTES[match[2] ?? '']);
}

/** MiB in a KubeSpawner memory size. */
export function memoryMiB(value: string): number {
  return memoryBytes(value) / 1024 ** 2;
}

/** A Kubernetes memory quantity for manifests, in whole MiB (`7G` becomes `7168Mi`). */
export function kubernetesMemory(value: string): string {
  return `${Math.ceil(memoryMiB(value))}Mi`;
}
