/**
 * Folders laid out like values/, for building the real constructs and stacks with other
 * values files: pass one as the `valuesDir` context (VALUES_DIR_CONTEXT). Removed when the
 * jest worker exits.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { stringify } from 'yaml';
import { VALUES_DIR, VALUES_DIR_CONTEXT, Values } from '../../lib/platform/helm-values';

const created: string[] = [];
process.on('exit', () => created.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hub-values-'));
  created.push(dir);
  return dir;
}

/** Writes each `<chart>/<file>.yaml` of `files` into `dir`. */
function writeFiles(dir: string, files: Readonly<Record<string, Values>>): void {
  for (const [path, values] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), stringify(values));
  }
}

/** Context for a copy of values/ with `files` added or replaced, e.g. `{ 'cluster-autoscaler/hackweek.yaml': {...} }`. */
export function valuesWith(files: Readonly<Record<string, Values>>): Record<string, string> {
  const dir = newDir();
  cpSync(VALUES_DIR, dir, { recursive: true });
  writeFiles(dir, files);
  return { [VALUES_DIR_CONTEXT]: dir };
}

/** Context for a folder holding only `files`: with none, a construct's merged values are its typed values. */
export function onlyValues(files: Readonly<Record<string, Values>> = {}): Record<string, string> {
  const dir = newDir();
  writeFiles(dir, files);
  return { [VALUES_DIR_CONTEXT]: dir };
}
