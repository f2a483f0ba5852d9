/** synthesize() writes a complete output or none: a stack that fails to build leaves nothing behind. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { TerraformStack } from 'cdktf';
import { ENVIRONMENTS } from '../../config';
import { ConfigError } from '../../config/load';
import { buildStacks } from '../../stacks/build';
import { synthesize } from '../../stacks/synthesize';

jest.mock('../../stacks/build', () => ({ buildStacks: jest.fn() }));
const build = buildStacks as jest.MockedFunction<typeof buildStacks>;

describe('synthesize', () => {
  const workdir = () => mkdtempSync(join(tmpdir(), 'hub-synthesize-'));

  it('leaves no output folder when a stack fails its checks while being built', () => {
    const dir = workdir();
    build.mockImplementation((app) => {
      new TerraformStack(app, 'built-first');
      throw new ConfigError(['dev.platform: a cross-layer check failed']);
    });
    expect(() => synthesize({ environments: ENVIRONMENTS, outdir: join(dir, 'out'), only: ['dev'] })).toThrow(
      'a cross-layer check failed',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the previous output when a build fails, and replaces it whole when one succeeds', () => {
    const dir = workdir();
    const outdir = join(dir, 'out');
    mkdirSync(join(outdir, 'stacks', 'old-stack'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'old-stack', 'cdk.tf.json'), '{}');

    build.mockImplementation(() => {
      throw new ConfigError(['dev.platform: broken']);
    });
    expect(() => synthesize({ environments: ENVIRONMENTS, outdir, only: ['dev'] })).toThrow(ConfigError);
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['old-stack']);

    build.mockImplementation((app) => {
      new TerraformStack(app, 'new-stack');
      return new Map();
    });
    expect(synthesize({ environments: ENVIRONMENTS, outdir, only: ['dev'] })).toEqual(['new-stack']);
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['new-stack']);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['out']);
  });
});
