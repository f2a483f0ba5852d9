/** Kubernetes CPU and memory quantities as numbers, for comparing requests, limits and guarantees. */
import { isMemoryQuantity, memoryBytes } from '../../../lib/quantities';

/** CPU cores in `0.5`, `"500m"`, `"2"`; undefined when unreadable. */
export function cpuCores(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(value);
  return match ? Number(match[1]) / (match[2] ? 1000 : 1) : undefined;
}

/** Bytes in `1073741824`, `"1Gi"`, `"7G"` (KubeSpawner's binary G); undefined when unreadable. */
export function memoryValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && isMemoryQuantity(value) ? memoryBytes(value) : undefined;
}
