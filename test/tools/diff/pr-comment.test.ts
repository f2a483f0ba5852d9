/**
 * What the pull-request workflow posts without a plan role: the offline diff of the real
 * stacks against a copy with one change (the file system's creation token, which the AWS
 * provider cannot update), written by pr-comment.ts as the comment and the job summary.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { MARKER } from '../../../tools/diff/comment';
import { compareSynths } from '../../../tools/diff/compare';
import { main } from '../../../tools/diff/pr-comment';
import { toJson } from '../../../tools/diff/report';
import { StackJson, resourcesOf, synthStacks } from '../../support/synth';

describe('pr-comment', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pr-comment-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the marked comment and the full summary, danger first, and says plans are off', () => {
    const base = synthStacks();
    const head = new Map<string, StackJson>(JSON.parse(JSON.stringify([...base])));
    const [[, efs]] = resourcesOf(head.get('hub-cluster-staging')!, 'aws_efs_file_system');
    efs.creation_token = 'hub-staging-home';
    const report = compareSynths(base, head, { base: 'main (abc1234)', head: 'working tree' });
    writeFileSync(join(dir, 'offline.json'), JSON.stringify(toJson(report)));

    const args = [
      '--diff',
      join(dir, 'offline.json'),
      '--comment',
      join(dir, 'c.md'),
      '--summary',
      join(dir, 's.md'),
    ];
    expect(main(args)).toBe(0);
    const comment = readFileSync(join(dir, 'c.md'), 'utf8');
    const summary = readFileSync(join(dir, 's.md'), 'utf8');
    expect(comment).toBe(`${MARKER}\n${summary}`);
    expect(summary).toMatch(
      /^## Offline diff \(no credentials needed\)\n\nmain \(abc1234\) → working tree\n\n> \[!CAUTION\]\n> \*\*4 change\(s\) would destroy data or interrupt people\*\*\n> - `hub-cluster-staging` \*\*replace\*\* `aws_efs_file_system\.shared-storage_file-system_8E232914`: the EFS file system/,
    );
    // The mount targets go with it; the access points too, without danger.
    expect(summary).toContain(
      '| 🔴 replace | `aws_efs_mount_target.shared-storage_mount-target-0_78309147`<br><sub>hub-cluster-staging/shared-storage/mount-target-0</sub> | file_system_id refers to aws_efs_file_system.shared-storage_file-system_8E232914, which is replaced<br>',
    );
    expect(summary).toMatch(
      /\| replace \| `aws_efs_access_point\.shared-storage_access-point-home_A8116B34`/,
    );
    expect(summary).toContain('Terraform plans are off for this repository');
  });

  it('exits 2 on input that is not the offline diff', () => {
    writeFileSync(join(dir, 'bad.json'), '{"error": "synth failed"}');
    const args = [
      '--diff',
      join(dir, 'bad.json'),
      '--comment',
      join(dir, 'c.md'),
      '--summary',
      join(dir, 's.md'),
    ];
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(main(args)).toBe(2);
    expect(spy.mock.calls[0][0]).toContain('not the JSON of npm run diff -- --json');
    spy.mockRestore();
  });
});
