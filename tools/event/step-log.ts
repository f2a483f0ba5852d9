/**
 * Every step of `npm run event` writes what it says, and what the commands it runs say, to
 * `event-logs/<env>-<step>-<timestamp>.log` (EVENT_DIR moves the folder), besides the
 * terminal: the record of an event's teardown outlives the terminal it ran in.
 */
import { appendFileSync, mkdirSync } from 'fs';
import { join, resolve } from 'path';

/** Where logs and state files go: EVENT_DIR, else `event-logs` in the working directory. */
export function eventDir(): string {
  return resolve(process.env.EVENT_DIR ?? 'event-logs');
}

export interface StepLog {
  readonly path: string;
  /** A line for the operator: to stdout (stderr with --json, which keeps stdout for JSON) and the file. */
  say(line: string): void;
  /** A line only for the file (a command's output). */
  record(text: string): void;
}

/**
 * The step's log. The file is made at the first line written, so that input refused
 * before a step starts leaves nothing behind.
 */
export function openStepLog(env: string, step: string, quiet = false, now = new Date()): StepLog {
  const dir = eventDir();
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `${env}-${step}-${stamp}.log`);
  let opened = false;
  const write = (text: string) => {
    if (!opened) {
      mkdirSync(dir, { recursive: true });
      appendFileSync(path, `# npm run event -- ${step} --env ${env}, ${now.toISOString()}\n`);
      opened = true;
    }
    appendFileSync(path, text);
  };
  return {
    path,
    say(line) {
      (quiet ? process.stderr : process.stdout).write(`${line}\n`);
      write(`${line}\n`);
    },
    record(text) {
      write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}
