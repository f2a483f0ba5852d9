/**
 * Synthesizes a checkout of the application in a child process (the checkout's own code,
 * not this process's modules), and checks out a commit into a temporary git worktree for
 * that. The worktree borrows the repository's node_modules through a symlink.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Json } from '../policy/types';

/** A git command or a synth that failed; its message is what the user needs to see. */
export class TreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TreeError';
  }
}

/** Runs git in `cwd` and returns its trimmed stdout; throws TreeError with git's message. */
export function git(cwd: string, args: readonly string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new TreeError(`git ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new TreeError(`git ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout.trim();
}

/** The commit a ref names, as a full SHA; TreeError naming the ref when there is none. */
export function resolveCommit(repo: string, ref: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new TreeError(`--base/--head: ${JSON.stringify(ref)} is not a commit in ${repo}`);
  }
}

/** The merge base of HEAD with the main branch (`main`, else `origin/main`). */
export function mergeBaseWithMain(repo: string): { sha: string; branch: string } {
  for (const branch of ['main', 'origin/main']) {
    try {
      git(repo, ['rev-parse', '--verify', '--quiet', `${branch}^{commit}`]);
    } catch {
      continue;
    }
    return { sha: git(repo, ['merge-base', 'HEAD', branch]), branch };
  }
  throw new TreeError(`no main or origin/main branch in ${repo}: pass --base <ref>`);
}

function readStacks(outdir: string): Map<string, Json> {
  const dir = join(outdir, 'stacks');
  const stacks = new Map<string, Json>();
  if (!existsSync(dir)) return stacks;
  for (const id of readdirSync(dir).sort()) {
    const file = join(dir, id, 'cdk.tf.json');
    if (existsSync(file)) stacks.set(id, JSON.parse(readFileSync(file, 'utf8')));
  }
  return stacks;
}

const TAIL = 4000;

/**
 * Synthesizes every environment of the checkout at `tree` (its `main.ts`, with its own
 * `node_modules`) into `outdir`, and returns each stack's Terraform JSON by id. A failed
 * synth throws TreeError with the end of its output (the configuration problems).
 */
export function synthTree(tree: string, outdir: string): Map<string, Json> {
  const tsx = join(tree, 'node_modules', '.bin', 'tsx');
  if (!existsSync(tsx)) throw new TreeError(`${tree}: node_modules/.bin/tsx not found; run npm ci first`);
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.HUB_ENVIRONMENTS;
  const result = spawnSync(tsx, ['main.ts'], {
    cwd: tree,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new TreeError(`synth of ${tree}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stderr}\n${result.stdout}`.trim();
    throw new TreeError(`synth of ${tree} failed (exit ${result.status}):\n${output.slice(-TAIL)}`);
  }
  // Commits from before main.ts honoured CDKTF_OUTDIR wrote to the checkout's cdktf.out.
  const stacks = readStacks(outdir);
  return stacks.size > 0 ? stacks : readStacks(join(tree, 'cdktf.out'));
}

/** Synth outputs of commits already built in this process (a commit's content never changes). */
const byCommit = new Map<string, Map<string, Json>>();

/**
 * Checks `commit` (a full SHA) out into a temporary worktree of `repo`, links the
 * repository's node_modules into it, synthesizes it, and removes the worktree again (also
 * on failure). A commit is built once per process.
 */
export function synthCommit(repo: string, commit: string): Map<string, Json> {
  const key = `${repo}\0${commit}`;
  const cached = byCommit.get(key);
  if (cached) return cached;
  const stacks = synthCommitOnce(repo, commit);
  byCommit.set(key, stacks);
  return stacks;
}

function synthCommitOnce(repo: string, commit: string): Map<string, Json> {
  const scratch = mkdtempSync(join(tmpdir(), 'hub-diff-'));
  const tree = join(scratch, 'tree');
  try {
    git(repo, ['worktree', 'add', '--detach', '--quiet', tree, commit]);
    const modules = join(repo, 'node_modules');
    if (!existsSync(modules)) throw new TreeError(`${repo}: no node_modules; run npm ci first`);
    symlinkSync(modules, join(tree, 'node_modules'), 'dir');
    return synthTree(tree, join(scratch, 'out'));
  } finally {
    try {
      git(repo, ['worktree', 'remove', '--force', tree]);
    } catch {
      // Not created (the add failed) or already gone; prune what git still lists.
      spawnSync('git', ['worktree', 'prune'], { cwd: repo });
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Synthesizes the working tree of `repo` as it is on disk, into a temporary folder. */
export function synthWorkingTree(repo: string): Map<string, Json> {
  const scratch = mkdtempSync(join(tmpdir(), 'hub-diff-'));
  try {
    return synthTree(repo, join(scratch, 'out'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
