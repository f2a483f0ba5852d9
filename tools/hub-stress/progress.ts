/** Live counters, drawn on the terminal's status line about twice a second. */
import { Logger } from './log';

const REDRAW_MS = 500;

/** Redraws `render()` on the status line until stopped; does nothing off a terminal. */
export class StatusLine {
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly render: (elapsed: string) => string,
  ) {}

  line(): string {
    return this.render(`${((Date.now() - this.started) / 1000).toFixed(1)} s`);
  }

  start(): void {
    this.timer = setInterval(() => this.log.status(this.line()), REDRAW_MS);
    this.timer.unref();
  }

  /** Draws the last state and leaves it on screen. */
  stop(): void {
    clearInterval(this.timer);
    this.log.status(this.line());
    this.log.endStatus();
  }
}

/** The spawn phase of `stress`. */
export class Progress extends StatusLine {
  requested = 0;
  ready = 0;
  failed = 0;
  pending = 0;
  window = 0;

  constructor(log: Logger, total: number) {
    super(
      log,
      (elapsed) =>
        `requested ${this.requested}/${total}  ready ${this.ready}  failed ${this.failed}` +
        `  pending ${this.pending}/${this.window}  ${elapsed}`,
    );
  }
}
