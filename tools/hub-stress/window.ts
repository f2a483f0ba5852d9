/**
 * How many spawns may be pending at once, and how fast that number may grow.
 *
 * JupyterHub rejects a spawn with 429 and a Retry-After of 30-60 s once its own count of
 * pending spawns reaches `concurrent_spawn_limit`. Every spawn sent past that limit costs
 * one user that wait. So:
 * - told the hub's limit (--spawn-limit), the window starts at it (or --batch-size, if
 *   smaller) and never goes above it: no spawn of ours meets a 429 unless other people's
 *   spawns take some of the hub's slots, which the next point handles;
 * - not told, the run starts with one spawn and adds one more each time the hub has
 *   accepted all of ours: at most one spawn is ever unconfirmed above the level the hub has
 *   shown it takes, so a probe past its limit costs a single user the wait, not batch size
 *   minus limit of them. (A 429 comes back at once, before the hub does any spawn work, so
 *   a spawn it has not rejected within a second or so has been accepted: see the scheduler.)
 * - a 429 is a measurement: the spawns of ours that the hub had accepted at that moment
 *   are what it holds. The window drops to that number and it becomes the ceiling for the
 *   rest of the run. It is never raised again, not even after the Retry-After: a try above
 *   it would cost another user the 30-60 s wait on a hub that is still full, which is what
 *   the hub's limit is there to say. (A limit measured while other people were spawning
 *   is therefore lower than the hub's; the run is slower, never throttled twice.)
 * - a 5xx or connection error while spawning (the hub is restarting) halves the window
 *   but leaves the ceiling alone: an outage says nothing about the hub's limit;
 * - below the ceiling the window grows back additively, by one per window of readies.
 */
export class SpawnWindow {
  private size: number;
  /** Servers ready since the window last grew. */
  private credit = 0;
  private ceiling: number;
  /** Most spawns of ours the hub has been seen (or told) to accept at once. */
  private accepted = 0;

  /**
   * `maxSize` is the --batch-size; `knownLimit` the hub's concurrent spawn limit when the
   * caller knows it (--spawn-limit): the window starts there, with nothing to probe.
   */
  constructor(maxSize: number, knownLimit?: number) {
    if (!(Number.isInteger(maxSize) && maxSize >= 1))
      throw new RangeError(`window max ${maxSize} must be an integer >= 1`);
    if (knownLimit !== undefined && !(Number.isInteger(knownLimit) && knownLimit >= 1))
      throw new RangeError(`known spawn limit ${knownLimit} must be an integer >= 1`);
    this.ceiling = Math.min(maxSize, knownLimit ?? maxSize);
    this.size = this.ceiling;
    if (knownLimit !== undefined) this.accepted = this.ceiling;
  }

  /** Spawns allowed to be pending at once. */
  get limit(): number {
    return this.size;
  }

  /** The upper bound: the hub's limit as learned from its 429s, or as told, or --batch-size. */
  get max(): number {
    return this.ceiling;
  }

  /** The hub's limit as learned (or told); the same as `max`, named for the report. */
  get learned(): number {
    return this.ceiling;
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
    this.accepted = Math.max(this.accepted, Math.min(n, this.ceiling));
  }

  /**
   * The hub answered 429 while `acceptedPending` earlier spawns of ours were pending: that
   * is all it holds for us, now and for the rest of the run.
   */
  onThrottled(acceptedPending: number): void {
    const measured = Math.max(1, acceptedPending);
    this.ceiling = Math.min(this.ceiling, measured);
    this.size = Math.min(this.size, measured);
    this.accepted = Math.min(this.accepted, measured);
    this.credit = 0;
  }

  /** The hub was unreachable or answered 502/503/504 to a spawn. */
  onUnavailable(): void {
    this.size = Math.max(1, Math.floor(this.size / 2));
    this.credit = 0;
  }

  /** A server became ready. */
  onReady(): void {
    if (++this.credit >= this.size) {
      this.size = Math.min(this.ceiling, this.size + 1);
      this.credit = 0;
    }
  }
}
