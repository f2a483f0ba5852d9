/**
 * The GitHub workflows: actionlint (built by .ci/install-tools.sh) passes on every one,
 * every action is pinned by full commit SHA, and the pull-request workflow looks for the
 * same hidden marker that the comment composer writes.
 */
import { execFileSync } from 'child_process';
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { MARKER } from '../tools/diff/comment';
import { REPO_ROOT, goTool } from './support/tools';

const DIR = join(REPO_ROOT, '.github', 'workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));

describe('GitHub workflows', () => {
  it('has the pull-request and CI workflows', () => {
    expect(files.sort()).toEqual(['ci.yml', 'pull-request.yml']);
  });

  it('pass actionlint', () => {
    const run = (): string =>
      execFileSync(goTool('actionlint'), ['-no-color', ...files.map((f) => join(DIR, f))], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(run).not.toThrow();
  });

  it.each(files)('%s pins every action by full commit SHA', (file) => {
    const uses = [...readFileSync(join(DIR, file), 'utf8').matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });

  it('finds the comment by the marker the composer writes', () => {
    const workflow = readFileSync(join(DIR, 'pull-request.yml'), 'utf8');
    expect(workflow).toContain(`marker='${MARKER}'`);
  });
});
