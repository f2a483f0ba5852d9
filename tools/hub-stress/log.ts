/**
 * Logging to stderr and an optional file. The token is scrubbed from every line as a last
 * line of defence, in case it ever ends up inside an error message from below.
 * On a terminal the live progress line is cleared before a log line and redrawn after it.
 */
import { appendFileSync } from 'node:fs';

export class Logger {
  private statusText = '';
  private readonly secrets: string[];

  constructor(
    private readonly options: {
      readonly verbose: boolean;
      readonly logFile?: string;
      readonly tty: boolean;
      readonly secrets: readonly string[];
      readonly write?: (text: string) => void;
    },
  ) {
    // Scrubbing a one- or two-letter "token" would garble every message and protect nothing.
    this.secrets = options.secrets.filter((s) => s.length >= 8);
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  private emit(level: string, message: string, toStderr: boolean): void {
    const line = this.redact(message);
    if (this.options.logFile) {
      appendFileSync(this.options.logFile, `${new Date().toISOString()} ${level} ${line}\n`);
    }
    if (!toStderr) return;
    const write = this.options.write ?? ((t: string) => process.stderr.write(t));
    if (this.options.tty && this.statusText) write('\r\x1b[K');
    write(`${line}\n`);
    if (this.options.tty && this.statusText) write(this.statusText);
  }

  info(message: string): void {
    this.emit('INFO', message, true);
  }

  warn(message: string): void {
    this.emit('WARN', message, true);
  }

  /** Per-request detail: on stderr only with --verbose, always in the log file. */
  debug(message: string): void {
    this.emit('DEBUG', message, this.options.verbose);
  }

  /** Replaces the live progress line (terminal only). */
  status(text: string): void {
    if (!this.options.tty) return;
    this.statusText = this.redact(text);
    const write = this.options.write ?? ((t: string) => process.stderr.write(t));
    write(`\r\x1b[K${this.statusText}`);
  }

  /** Ends the live progress line, leaving its last state visible. */
  endStatus(): void {
    if (!this.options.tty || !this.statusText) return;
    const write = this.options.write ?? ((t: string) => process.stderr.write(t));
    write('\n');
    this.statusText = '';
  }
}
