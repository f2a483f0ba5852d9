/** The project's own lint rule: provider packages are imported by deep path only. */
import { spawnSync } from 'child_process';
import { join } from 'path';

const root = join(__dirname, '..');

/** Lints `code` as if it were lib/probe.ts, with the project's ESLint config, and returns the rule's messages. */
function restrictedImports(code: string): string[] {
  const eslint = join(root, 'node_modules', '.bin', 'eslint');
  const run = spawnSync(eslint, ['--stdin', '--stdin-filename', 'lib/probe.ts', '--format', 'json'], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(run.stdout);
  return result.messages
    .filter((m: { ruleId: string }) => m.ruleId === 'no-restricted-imports')
    .map((m: { message: string }) => m.message);
}

describe('provider import rule', () => {
  it.each(['@cdktf/provider-aws', '@cdktf/provider-helm', '@cdktf/provider-kubernetes'])(
    'rejects the package root of %s',
    (name) => {
      const messages = restrictedImports(`import { X } from '${name}';\nexport const y = X;\n`);
      expect(messages).toEqual([expect.stringContaining(`Import by deep path (${name}/lib/<resource>)`)]);
    },
  );

  it.each([
    '@cdktf/provider-aws/lib',
    '@cdktf/provider-helm/lib/index',
    '@cdktf/provider-kubernetes/lib/index.js',
  ])('rejects the barrel %s, the package root under another name', (name) => {
    const messages = restrictedImports(`import { X } from '${name}';\nexport const y = X;\n`);
    expect(messages).toEqual([expect.stringContaining('package root under another name')]);
  });

  it('accepts a deep import', () => {
    const code =
      "import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';\nexport const y = EksCluster;\n";
    expect(restrictedImports(code)).toEqual([]);
  });
});
