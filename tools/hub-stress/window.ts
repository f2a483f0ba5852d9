/**
 * How many spawns may be pending at once, and how fast that number may grow.
 *
 * JupyterHub rejects a spawn with 429 and a Retry-After of 30-60 s once its own count of
 * pending spawns reaches `concurrent_spawn_limit`. Every spawn sent past that limit costs
 * one user that wait. So:
 * - the run starts with one spawn and adds one more each time the hub has accepted all of
 *   ours: at most one spawn is ever unconfirmed above the level the hub has shown it
 *   takes, so a probe past its limit costs a single user the wait, not batch size minus
 *   limit of them. (A 429 comes back at once, before the hub does any spawn work, so a
 *   spawn it has not rejected within a second or so has been accepted: see the scheduler.)
 * - a 429 is a measurement: the spawns of ours that the hub had accepted at that moment
 *   are what it holds. The window drops to that number and it becomes the ceiling;
 * - the ceiling recovers: once the Retry-After has passed and a ceiling's worth of servers
 *   became ready with no new 429, it rises by one (up to --batch-size), so a limit measured
 *   while other people were spawning does not hold the run down for good. Each try costs
 *   one user the wait if the hub is still full, so a try that meets a 429 at the old limit
 *   doubles the wait before the next one;
 * - a 5xx or connection error while spawning (the hub is restarting) halves the window
 *   but leaves the ceiling alone: an outage says nothing about the hub's limit;
 * - below the ceiling the window grows back additively, by one per window of readies.
 */
/** Recovery waits at most 2^4 Retry-Afters (8-16 min) after tries that met a full hub. */
const MAX_DOUBLINGS = 4;

export class SpawnWindow {
  private size: number;
  /** Servers ready since the window last grew. */
  private credit = 0;
  private ceiling: number;
  /** Most spawns of ours the hub has been seen to accept at once. */
  private accepted = 0;
  /** No recovery before this time (ms since epoch): the hub asked us to wait until then. */
  private quietUntil = 0;
  /** Servers ready since the last 429 (or the last recovery step), once quietUntil passed. */
  private readiesSinceThrottle = 0;
  /** The ceiling the last recovery step rose from, until the hub answers that step. */
  private raisedFrom: number | undefined;
  /** Recovery steps in a row that met a 429 at the old limit. */
  private failedRecoveries = 0;

  /** `maxSize` is the --batch-size. */
  constructor(private readonly maxSize: number) {
    if (!(Number.isInteger(maxSize) && maxSize >= 1))
      throw new RangeError(`window max ${maxSize} must be an integer >= 1`);
    this.ceiling = maxSize;
    this.size = maxSize;
  }

  /** Spawns allowed to be pending at once. */
  get limit(): number {
    return this.size;
  }

  /** The current upper bound: the hub's limit as last learned from here, or --batch-size. */
  get max(): number {
    return this.ceiling;
  }

  /** The hub's limit as learned, leaving out a recovery step the hub has not answered yet. */
  get learned(): number {
    return this.raisedFrom ?? this.ceiling;
  }

  /** Most spawns of ours the hub has accepted at once so far (capped by the last 429). */
  get proven(): number {
    return this.accepted;
  }

  /** Whether a spawn started with `inFlight` others pending goes above the proven level. */
  isProbe(inFlight: number): boolean {
    return inFlight >= this.accepted;
  }

  /**
   * Whether one more spawn may start now, with `inFlight` pending of which `probes` went
   * above the proven level and are not yet known to be accepted. Refilling up to the
   * proven level is safe; going above it is a probe, and only one probe is out at a time.
   */
  mayStart(inFlight: number, probes: number): boolean {
    return inFlight < this.size && (!this.isProbe(inFlight) || probes === 0);
  }

  /** The hub accepted a spawn of ours while holding `n` of them in all. */
  onAccepted(n: number): void {
    if (this.raisedFrom !== undefined && n > this.raisedFrom) {
      this.raisedFrom = undefined;
      this.failedRecoveries = 0;
    }
    this.accepted = Math.max(this.accepted, Math.min(n, this.ceiling));
  }

  /**
   * The hub answered 429 while `acceptedPending` earlier spawns of ours were pending, and
   * asked to wait `retryAfterMs`.
   */
  onThrottled(acceptedPending: number, retryAfterMs: number, now: number): void {
    const measured = Math.max(1, acceptedPending);
    if (this.raisedFrom !== undefined) {
      this.failedRecoveries = measured <= this.raisedFrom ? this.failedRecoveries + 1 : 0;
      this.raisedFrom = undefined;
    }
    this.ceiling = Math.min(this.ceiling, measured);
    this.size = Math.min(this.size, measured);
    this.accepted = Math.min(this.accepted, measured);
    this.credit = 0;
    const backoff = 2 ** Math.min(this.failedRecoveries, MAX_DOUBLINGS);
    this.quietUntil = Math.max(this.quietUntil, now + retryAfterMs * backoff);
    this.readiesSinceThrottle = 0;
  }

  /** The hub was unreachable or answered 502/503/504 to a spawn. */
  onUnavailable(): void {
    this.size = Math.max(1, Math.floor(this.size / 2));
    this.credit = 0;
  }

  /** A server became ready at `now`. */
  onReady(now: number): void {
    if (this.ceiling < this.maxSize && now >= this.quietUntil) {
      // A whole window of readies without a 429: the hub has room again, probe one higher.
      if (++this.readiesSinceThrottle >= this.ceiling) {
        this.raisedFrom = this.ceiling;
        this.ceiling++;
        this.readiesSinceThrottle = 0;
      }
    }
    if (++this.credit >= this.size) {
      this.size = Math.min(this.ceiling, this.size + 1);
      this.credit = 0;
    }
  }
}
