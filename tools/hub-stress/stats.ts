/**
 * Latency statistics. Percentiles use the nearest-rank method: the smallest sample such
 * that at least p% of the samples are less than or equal to it. It never interpolates, so
 * every reported value is a latency that really happened.
 */

/** Summary of a latency series in milliseconds; all null when there were no samples. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Nearest-rank percentile of `sorted` (ascending). `p` is in (0, 100]. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p ${p} is outside (0, 100]`);
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Summarizes samples (any order); values are rounded to whole milliseconds. */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number | null => {
    const v = percentile(sorted, p);
    return v === null ? null : Math.round(v);
  };
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}

/** Counts occurrences by key (failure reasons, retried status codes). */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** A plain object with keys sorted, for stable JSON. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Spawns per minute over a wall time; 0 when no time has passed. */
export function perMinute(count: number, wallMs: number): number {
  if (wallMs <= 0) return 0;
  return Math.round((count / (wallMs / 60_000)) * 10) / 10;
}
