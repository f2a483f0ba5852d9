/**
 * What `npm run rules` and `npm run dashboards` share: read `--out DIR`, render, write
 * one file per rule file or dashboard. Everything is rendered and the directory checked
 * before the first file is written, so a failure leaves nothing half-written.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface ExportCommand {
  /** The npm script's name, for messages (`rules`, `dashboards`). */
  readonly name: string;
  /** What it writes, for the usage line. */
  readonly what: string;
  /** File name -> file content. */
  readonly render: () => Record<string, string>;
}

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const usage = (c: ExportCommand): string =>
  `usage: npm run ${c.name} -- --out DIR\n  writes ${c.what} into DIR (created if missing; files of the same name are replaced)`;

/** Runs the command on `argv`; returns the exit code (0 written, 2 bad arguments or output). */
export function runExport(command: ExportCommand, argv: readonly string[], io: Io): number {
  let out: string;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      io.out(usage(command));
      return 0;
    }
    if (values.out === undefined || values.out === '')
      throw new Error('--out: missing; give the directory to write into');
    out = resolve(values.out);
    if (existsSync(out) && !statSync(out).isDirectory()) {
      throw new Error(`--out: "${values.out}" is a file, not a directory`);
    }
  } catch (err) {
    io.err(`${command.name}: ${(err as Error).message}\n${usage(command)}`);
    return 2;
  }
  const files = command.render();
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
  io.out(
    `${command.name}: wrote ${Object.keys(files).length} files to ${out}: ${Object.keys(files).join(', ')}`,
  );
  return 0;
}

export const consoleIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
