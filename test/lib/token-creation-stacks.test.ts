/** withoutTokenCreationStacks: cdktf's tokens record no creation stack inside it, and the output is the same. */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, IResolvable, Lazy, TerraformOutput, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { withoutTokenCreationStacks } from '../../lib/token-creation-stacks';

const creationStack = (token: IResolvable) => token.creationStack;

/** A stack whose output refers to a variable and a lazy value, synthesized; its cdk.tf.json. */
function synthesizedStack(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'hub-token-stacks-'));
  try {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'tokens');
    const name = new TerraformVariable(stack, 'name', { type: 'string', default: 'hub' });
    new TerraformOutput(stack, 'greeting', {
      value: `${name.stringValue}-${Lazy.stringValue({ produce: () => 'lazy' })}`,
    });
    app.synth();
    return readFileSync(join(outdir, 'stacks', 'tokens', 'cdk.tf.json'), 'utf8');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('withoutTokenCreationStacks', () => {
  it('leaves the stacks of lazy and intrinsic tokens created inside it empty', () => {
    const [lazy, intrinsic] = withoutTokenCreationStacks(() => [
      Lazy.anyValue({ produce: () => 1 }),
      Token.asAny(2),
    ]);
    expect(creationStack(lazy)).toEqual([]);
    expect(creationStack(intrinsic)).toEqual([]);
  });

  it('records them again afterwards, also after the function threw', () => {
    expect(() =>
      withoutTokenCreationStacks(() => {
        throw new Error('build failed');
      }),
    ).toThrow('build failed');
    expect(creationStack(Lazy.anyValue({ produce: () => 1 }))).toEqual(
      expect.arrayContaining([expect.stringContaining('token-creation-stacks.test.ts')]),
    );
  });

  it('returns what the function returns', () => {
    expect(withoutTokenCreationStacks(() => 'built')).toBe('built');
  });

  it('does not change the synthesized Terraform JSON', () => {
    const usual = synthesizedStack();
    expect(usual).toContain('${var.name}-lazy');
    expect(withoutTokenCreationStacks(synthesizedStack)).toBe(usual);
  });
});
