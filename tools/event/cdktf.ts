/**
 * The one way `npm run event` runs cdktf: an executable, `npx cdktf` unless EVENT_CDKTF
 * names another (words split on spaces; the tests give a recording stand-in), run in the
 * project folder with its output kept in the step's log.
 */
import { spawn } from 'child_process';
import { PROJECT_ROOT } from '../../lib/project-paths';
import { StepLog } from './step-log';

export interface Cdktf {
  /** Runs `cdktf <args>`; resolves with the exit code. */
  run(args: readonly string[]): Promise<number>;
  /** The command line, for messages and --dry-run. */
  describe(args: readonly string[]): string;
}

export function cdktfCommand(): string[] {
  const configured = process.env.EVENT_CDKTF?.trim();
  return configured ? configured.split(/\s+/) : ['npx', 'cdktf'];
}

export function cdktf(log: StepLog, command: readonly string[] = cdktfCommand()): Cdktf {
  return {
    describe: (args) => [...command, ...args].join(' '),
    run: (args) =>
      new Promise((resolve) => {
        const child = spawn(command[0], [...command.slice(1), ...args], {
          cwd: PROJECT_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (chunk: Buffer) => log.record(chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => log.record(chunk.toString()));
        child.on('error', (error) => {
          log.record(`could not start ${command[0]}: ${error.message}`);
          resolve(127);
        });
        child.on('close', (code) => resolve(code ?? 1));
      }),
  };
}
