/**
 * The EC2 on-demand vCPU quota an environment's node pools need at max size. EC2 counts
 * running on-demand vCPUs per quota, and each quota covers instance families by their
 * first letter: m5 counts against "Standard (A, C, D, H, I, M, R, T, Z)", g4dn and g5
 * against "G and VT". A new account's quotas are often far below what an event at max
 * size needs, and a pool that hits the quota simply stops growing.
 */
import { instanceTypeSpec } from './instance-types';

/** A pool as the quota sees it. */
export interface QuotaPool {
  readonly instanceType: string;
  readonly maxSize: number;
}

/** vCPUs of one instance family at max size. */
export interface FamilyVcpus {
  /** The family: `m5`, `g4dn`. */
  readonly family: string;
  readonly vcpus: number;
}

/** vCPUs one on-demand quota must allow, with the families that count against it. */
export interface QuotaNeed {
  /** The quota's name in Service Quotas, e.g. `Running On-Demand G and VT instances`. */
  readonly quota: string;
  readonly vcpus: number;
  readonly families: readonly FamilyVcpus[];
}

/** Instance families by first letter, as EC2's on-demand vCPU quotas group them. */
const QUOTAS: ReadonlyArray<{ readonly quota: string; readonly letters: string }> = [
  { quota: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', letters: 'acdhimrtz' },
  { quota: 'Running On-Demand G and VT instances', letters: 'gv' },
  { quota: 'Running On-Demand P instances', letters: 'p' },
  { quota: 'Running On-Demand F instances', letters: 'f' },
  { quota: 'Running On-Demand Inf instances', letters: '' },
  { quota: 'Running On-Demand X instances', letters: 'x' },
];

/** The family of an instance type: `m5.2xlarge` is `m5`. */
export function instanceFamily(instanceType: string): string {
  return instanceType.split('.')[0];
}

/** The on-demand quota an instance family counts against. */
export function quotaOf(family: string): string {
  if (family.startsWith('inf')) return 'Running On-Demand Inf instances';
  const entry = QUOTAS.find((q) => q.letters.includes(family[0]));
  if (!entry) throw new Error(`instance family ${family}: no known on-demand vCPU quota`);
  return entry.quota;
}

/** The vCPUs each quota must allow for every pool at max size, per family, largest quota first. */
export function vcpuQuotaNeeds(pools: readonly QuotaPool[]): QuotaNeed[] {
  const byFamily = new Map<string, number>();
  for (const pool of pools) {
    const family = instanceFamily(pool.instanceType);
    byFamily.set(
      family,
      (byFamily.get(family) ?? 0) + instanceTypeSpec(pool.instanceType).vcpus * pool.maxSize,
    );
  }
  const byQuota = new Map<string, FamilyVcpus[]>();
  for (const [family, vcpus] of [...byFamily].sort(([a], [b]) => a.localeCompare(b))) {
    const quota = quotaOf(family);
    byQuota.set(quota, [...(byQuota.get(quota) ?? []), { family, vcpus }]);
  }
  return [...byQuota]
    .map(([quota, families]) => ({ quota, families, vcpus: families.reduce((sum, f) => sum + f.vcpus, 0) }))
    .sort((a, b) => b.vcpus - a.vcpus);
}

/** `Standard (A, C, ...) 212 vCPU (m5 212); G and VT 8 vCPU (g4dn 8)`: one line for a synth's output. */
export function formatQuotaNeeds(needs: readonly QuotaNeed[]): string {
  return needs
    .map(
      (need) =>
        `${need.quota.replace(/^Running On-Demand | instances$/g, '')} ${need.vcpus} vCPU ` +
        `(${need.families.map((f) => `${f.family} ${f.vcpus}`).join(', ')})`,
    )
    .join('; ');
}
