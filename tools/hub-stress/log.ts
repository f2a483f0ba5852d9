/**
 * Logging to stderr and an optional file. The token is scrubbed from every line as a last
 * line of defence, in case it ever ends up inside an error message from below.
 * On a terminal the live progress line is cleared before a log line and redrawn after it.
 *
 * The file is written through a stream: every request logs a line, and a synchronous
 * write per line would stall the event loop and show up in the latencies being measured.
 */
import { createWriteStream, openSync } from 'node:fs';
import { Writable } from 'node:stream';
import { UsageError } from './args';

/** Opens `path` for appending, or says in one line why it cannot (exit code 2). */
export function openLogFile(path: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (err) {
    // "ENOENT: no such file or directory, open '<path>'": the path is named already.
    const reason = String((err as Error).message).split(',')[0];
    throw new UsageError(`--log-file: cannot append to ${JSON.stringify(path)} (${reason})`);
  }
  return createWriteStream(path, { fd });
}

export class Logger {
  private statusText = '';
  private readonly secrets: string[];
  private file: Writable | undefined;

  constructor(
    private readonly options: {
      readonly verbose: boolean;
      /** Where the timestamped log goes (see openLogFile); closed by close(). */
      readonly file?: Writable;
      readonly tty: boolean;
      readonly secrets: readonly string[];
      readonly write?: (text: string) => void;
    },
  ) {
    // Scrubbing a one- or two-letter "token" would garble every message and protect nothing.
    this.secrets = options.secrets.filter((s) => s.length >= 8);
    this.file = options.file;
    this.file?.on('error', (err: Error) => {
      // A full disk must not end the run (and its cleanup); say so once and carry on.
      this.file = undefined;
      this.emit('WARN', `hub-stress: log file: ${err.message}; no longer writing it`, true);
    });
  }

  /** Writes out what is buffered for the log file and closes it. */
  close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (!file) return Promise.resolve();
    return new Promise((resolve) => file.end(() => resolve()));
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  private emit(level: string, message: string, toStderr: boolean): void {
    const line = this.redact(message);
    this.file?.write(`${new Date().toISOString()} ${level} ${line}\n`);
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
