/** Live counters, drawn on the terminal's status line about twice a second. */
import { Logger } from './log';

export class Progress {
  requested = 0;
  ready = 0;
  failed = 0;
  pending = 0;
  window = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly total: number,
  ) {}

  line(): string {
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1);
    return (
      `requested ${this.requested}/${this.total}  ready ${this.ready}  failed ${this.failed}` +
      `  pending ${this.pending}/${this.window}  ${elapsed} s`
    );
  }

  start(): void {
    this.timer = setInterval(() => this.log.status(this.line()), 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.log.status(this.line());
    this.log.endStatus();
  }
}
