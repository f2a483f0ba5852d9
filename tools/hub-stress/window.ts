/**
 * How many spawns may be pending at once: an AIMD window in the spirit of TCP congestion
 * control.
 *
 * JupyterHub rejects a spawn with 429 and a Retry-After of 30-60 s once its own count of
 * pending spawns reaches `concurrent_spawn_limit`. A client that keeps overshooting pays
 * that wait again and again. So:
 * - a 429 is a measurement: the spawns of ours that the hub had accepted at that moment
 *   are what it holds. The window drops to that number and it becomes the ceiling, so the
 *   window never probes past it again and the throttle is paid once;
 * - a 5xx or connection error while spawning (the hub is restarting) halves the window;
 * - each server that becomes ready grows the window: by one while no limit has been seen
 *   (slow start), by 1/window afterwards (additive increase), never above the ceiling.
 */
export class SpawnWindow {
  private size: number;
  private ceiling: number;
  private throttled = false;

  /** `initial` and `max` are spawn counts (the --batch-size). */
  constructor(initial: number, max: number) {
    if (!(Number.isInteger(max) && max >= 1))
      throw new RangeError(`window max ${max} must be an integer >= 1`);
    this.ceiling = max;
    this.size = Math.min(max, Math.max(1, initial));
  }

  /** Spawns allowed to be pending now. */
  get limit(): number {
    return Math.max(1, Math.floor(this.size));
  }

  /** The learned upper bound (the hub's limit as seen from here, or --batch-size). */
  get max(): number {
    return this.ceiling;
  }

  /** The hub answered 429 while `acceptedPending` other spawns of ours were pending. */
  onThrottled(acceptedPending: number): void {
    const measured = Math.max(1, acceptedPending);
    this.ceiling = Math.min(this.ceiling, measured);
    this.size = Math.min(this.size, measured);
    this.throttled = true;
  }

  /** The hub was unreachable or answered 502/503/504 to a spawn. */
  onUnavailable(): void {
    this.size = Math.max(1, this.size / 2);
    this.throttled = true;
  }

  /** A server became ready. */
  onReady(): void {
    const step = this.throttled ? 1 / this.size : 1;
    this.size = Math.min(this.ceiling, this.size + step);
  }
}
