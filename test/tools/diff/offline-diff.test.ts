/**
 * `npm run diff` on real changes: a temporary clone of this repository gets one commit per
 * change on top of its HEAD, and the CLI compares each commit with that base, synthesizing
 * both sides from git the way it does for a pull request.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../../tools/diff/cli';
import { REPO_ROOT } from '../../support/tools';

jest.setTimeout(300_000);

let scratch: string;
let repo: string;
let base: string;

const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

/** Commits one edit (a literal replacement that must match) on a branch from `parent` (default the base). */
function change(name: string, file: string, from: string, to: string, parent = base): string {
  git('checkout', '--quiet', '-B', name, parent);
  const path = join(repo, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from))
    throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update this test`);
  writeFileSync(path, text.replace(from, to));
  git('commit', '--quiet', '-am', name);
  return git('rev-parse', 'HEAD');
}

function diff(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) }, repo);
  return { code, out, err };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'diff-test-'));
  repo = join(scratch, 'repo');
  execFileSync('git', ['clone', '--quiet', REPO_ROOT, repo]);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
  git('config', 'user.name', 'diff test');
  git('config', 'user.email', 'diff-test@example.org');
  base = git('rev-parse', 'HEAD');
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run diff on real changes', () => {
  it('flags a renamed EFS construct as danger and says how to keep the file system', () => {
    const head = change(
      'rename-efs',
      'lib/storage/shared-file-system.ts',
      "new EfsFileSystem(this, 'file-system'",
      "new EfsFileSystem(this, 'home-file-system'",
    );
    const text = diff('--base', base, '--head', head, '--fail-on-danger');
    expect(text.err).toBe('');
    expect(text.code).toBe(1);
    expect(text.out).toMatch(
      /! hub-cluster-prod: destroy aws_efs_file_system\.shared-storage_file-system_8E232914 \[hub-cluster-prod\/shared-storage\/file-system\]\n\s+the EFS file system: every user's home directory and the shared folder/,
    );
    // Its mount targets follow it: their file_system_id forces a new one.
    expect(text.out).toContain(
      'replace aws_efs_mount_target.shared-storage_mount-target-0_78309147: file_system_id forces replacement  DANGER',
    );
    expect(text.out).toContain(
      'renamed construct id? aws_efs_file_system hub-cluster-prod/shared-storage/file-system -> hub-cluster-prod/shared-storage/home-file-system (100% the same configuration)',
    );
    expect(text.out).toContain(
      "<resource>.moveFromId('aws_efs_file_system.shared-storage_file-system_8E232914');",
    );

    // Without --fail-on-danger the same change exits 0; the JSON names the move.
    const json = diff('--base', base, '--head', head, '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out);
    const prod = report.stacks.find((s: { id: string }) => s.id === 'hub-cluster-prod');
    expect(prod.moves).toEqual([
      expect.objectContaining({
        from: 'aws_efs_file_system.shared-storage_file-system_8E232914',
        to: expect.stringMatching(/^aws_efs_file_system\.shared-storage_home-file-system_/),
        similarity: 1,
      }),
    ]);
    // Stacks come in dependency order: each cluster before its platform.
    const ids = report.stacks.map((s: { id: string }) => s.id);
    expect(ids.indexOf('hub-cluster-prod')).toBeLessThan(ids.indexOf('hub-platform-prod'));

    // Following the advice keeps the file system: a move, no danger, nothing else changes.
    const kept = change(
      'rename-efs-kept',
      'lib/storage/shared-file-system.ts',
      "    new EfsBackupPolicy(this, 'backup', {",
      "    this.fileSystem.moveFromId('aws_efs_file_system.shared-storage_file-system_8E232914');\n    new EfsBackupPolicy(this, 'backup', {",
      head,
    );
    const moved = diff('--base', base, '--head', kept, '--fail-on-danger');
    expect(moved.code).toBe(0);
    expect(moved.out).toContain('No danger:');
    expect(moved.out).toMatch(
      /hub-cluster-prod: 1 to move\n\s+>\s+moved aws_efs_file_system\.shared-storage_home-file-system_\w+: moved from aws_efs_file_system\.shared-storage_file-system_8E232914\n/,
    );
    expect(moved.out).toMatch(/unchanged: .*hub-platform-prod/);
  });

  it('reports a new cluster name as a replacement of the cluster', () => {
    const head = change(
      'cluster-name',
      'lib/naming.ts',
      'return `hub-${env.name}`;',
      'return `jhub-${env.name}`;',
    );
    const { code, out } = diff('--base', base, '--head', head, '--fail-on-danger');
    expect(code).toBe(1);
    expect(out).toMatch(
      /! hub-cluster-staging: replace aws_eks_cluster\.eks_cluster_55B0C966 \[hub-cluster-staging\/eks\/cluster\]\n\s+the EKS cluster: the hub, every running server/,
    );
    expect(out).toContain('replace aws_eks_cluster.eks_cluster_55B0C966: name forces replacement  DANGER');
  });

  it('reports a changed user-pool instance type as a replacement of that node group', () => {
    const head = change(
      'user-instance-type',
      'config/environments/dev.ts',
      "user: { instanceType: 'm5.2xlarge'",
      "user: { instanceType: 'm5.4xlarge'",
    );
    const { code, out } = diff('--base', base, '--head', head, '--fail-on-danger');
    expect(code).toBe(1);
    expect(out).toContain(
      'replace aws_eks_node_group.pool-user_node-group_9C798ED1: instance_types forces replacement  DANGER',
    );
    expect(out).toContain('the user node pool: every server running on it is stopped');
    // Only dev changes.
    expect(out).toMatch(/unchanged: .*hub-cluster-prod/);
  });

  it('reports a tag change as an update in place without danger', () => {
    const head = change(
      'tags',
      'config/environments/dev.ts',
      "region: 'us-west-2',",
      "region: 'us-west-2',\n  tags: { team: 'research-computing' },",
    );
    const { code, out } = diff('--base', base, '--head', head, '--fail-on-danger');
    expect(code).toBe(0);
    expect(out).toContain('No danger:');
    expect(out).toContain(
      'note: provider aws: default tags change (default_tags.tags.team): every tagged resource of this stack is updated in place, tags only',
    );
    expect(out).not.toContain('DANGER');
    expect(out).not.toMatch(/^\s+(-\/\+|-) /m);
  });

  it('reports a new profile as a Helm values change of the hub only', () => {
    // A profile no smaller than the pool's default: a smaller one would fit more servers on a
    // node, and the EFS node plugin, sized for the mounts of a full node, would change too.
    const head = change(
      'profile',
      'config/environments/dev.ts',
      'profiles: STANDARD_PROFILES,',
      `profiles: [
      ...STANDARD_PROFILES,
      {
        slug: 'medium',
        displayName: 'Medium: 4 CPU, 3 GB',
        description: 'For larger notebooks.',
        pool: 'user',
        cpu: { guarantee: 1, limit: 4 },
        memory: { guarantee: '3G', limit: '3G' },
      },
    ],`,
    );
    const { code, out } = diff('--base', base, '--head', head, '--fail-on-danger');
    expect(code).toBe(0);
    expect(out).toContain('No danger:');
    expect(out).toContain('hub-platform-dev: 1 to update in place');
    // The profile list, and what the hub derives from it (limits, start timeouts).
    expect(out).toMatch(/values keys: .*singleuser\.profileList/);
    expect(out).toContain('-> the server options (profiles) change on the spawn page');
    expect(out).toContain('-> the hub restarts: for about a minute nobody can log in or start a server');
    expect(out).toMatch(/unchanged: .*hub-cluster-dev/);
  });

  it('exits 2 with the configuration problems when a side does not synthesize', () => {
    const head = change(
      'bad-config',
      'config/environments/dev.ts',
      "core: { instanceType: 'm5.large', minSize: 1, maxSize: 2 }",
      "core: { instanceType: 'm5.large', minSize: 3, maxSize: 2 }",
    );
    const { code, err } = diff('--base', base, '--head', head);
    expect(code).toBe(2);
    expect(err).toMatch(/synth of .* failed/);
    expect(err).toMatch(/dev\.nodePools\.core\.maxSize: 2 is below minSize 3/);
  });

  it('exits 2 with the reason on a commit that does not exist or bad usage', () => {
    const missing = diff('--base', 'no-such-ref', '--json');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('"no-such-ref" is not a commit');
    expect(JSON.parse(missing.out).error).toContain('no-such-ref');
    const usage = diff('--colour');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('usage: npm run diff');
  });
});
