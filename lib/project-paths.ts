/**
 * The project's folders, found the same way whether the code runs from source (tsx) or
 * compiled (dist/): the root is the nearest folder above this file that holds the
 * project's package.json, so values/ and policy/ are read from the checkout, never
 * looked for beside the compiled file.
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

const PACKAGE_NAME = 'jupyterhub-aws-cdktf';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${start}`);
  }
}

/** The repository root: the folder of the project's package.json. */
export const PROJECT_ROOT = findProjectRoot(__dirname);
