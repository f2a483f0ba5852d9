/** synthesize() writes only after every stack built: a stack that fails its checks leaves nothing behind. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { IResolvable, Lazy, TerraformStack } from 'cdktf';
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

  it('leaves a previous output as it was when a build fails', () => {
    const outdir = join(workdir(), 'out');
    mkdirSync(join(outdir, 'stacks', 'old-stack'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'old-stack', 'cdk.tf.json'), '{"old": true}');
    build.mockImplementation(() => {
      throw new ConfigError(['dev.platform: broken']);
    });
    expect(() => synthesize({ environments: ENVIRONMENTS, outdir, only: ['dev'] })).toThrow(ConfigError);
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['old-stack']);
    expect(readFileSync(join(outdir, 'stacks', 'old-stack', 'cdk.tf.json'), 'utf8')).toBe('{"old": true}');
  });

  it("keeps terraform's working folder of a stack across synths, as the cdktf CLI does", () => {
    const outdir = join(workdir(), 'out');
    const terraformDir = join(outdir, 'stacks', 'kept', '.terraform');
    mkdirSync(terraformDir, { recursive: true });
    build.mockImplementation((app) => {
      new TerraformStack(app, 'kept');
      return new Map();
    });
    expect(synthesize({ environments: ENVIRONMENTS, outdir, only: ['dev'] }).stacks).toEqual(['kept']);
    expect(existsSync(join(outdir, 'stacks', 'kept', 'cdk.tf.json'))).toBe(true);
    expect(existsSync(terraformDir)).toBe(true);
  });

  it('removes the folders of stacks the last synth wrote and this one did not, keeping its own', () => {
    const outdir = join(workdir(), 'out');
    mkdirSync(join(outdir, 'stacks', 'gone', '.terraform'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'gone', 'cdk.tf.json'), '{}');
    mkdirSync(join(outdir, 'stacks', 'kept', '.terraform'), { recursive: true });
    build.mockImplementation((app) => {
      new TerraformStack(app, 'kept');
      return new Map();
    });
    synthesize({ environments: ENVIRONMENTS, outdir, only: ['dev'] });
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['kept']);
    expect(existsSync(join(outdir, 'stacks', 'kept', '.terraform'))).toBe(true);
  });

  it('reports problems of the values folder with those of the configuration, before building anything', () => {
    const valuesDir = workdir();
    mkdirSync(join(valuesDir, 'jupyterhb'));
    build.mockClear();
    const broken = { ...structuredClone(ENVIRONMENTS.dev), region: 'mars' };
    const problems = (() => {
      try {
        synthesize({
          environments: { ...ENVIRONMENTS, dev: broken },
          outdir: join(valuesDir, 'out'),
          valuesDir,
        });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      expect.stringMatching(/^dev\.region: must be an AWS region/),
      expect.stringMatching(
        /jupyterhb: not read by the synth; values folders are the charts' names: jupyterhub, /,
      ),
    ]);
    expect(build).not.toHaveBeenCalled();
  });

  it("reports every environment's build problems at once, not only the first one's", () => {
    const dir = workdir();
    // As a construct's check does: the build stops at the first environment it fails in.
    build.mockImplementation((_app, environments) => {
      const broken = environments.find((env) => env.name !== 'dev');
      if (broken) throw new ConfigError([`${broken.name}.platform: a cross-layer check failed`]);
      return new Map();
    });
    expect(() =>
      synthesize({ environments: ENVIRONMENTS, outdir: join(dir, 'out'), only: ['dev', 'prod', 'hackweek'] }),
    ).toThrow(
      new ConfigError([
        'prod.platform: a cross-layer check failed',
        'hackweek.platform: a cross-layer check failed',
      ]),
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("builds the stacks without cdktf's token creation stacks, which only an unresolvable token's error prints", () => {
    let built: IResolvable | undefined;
    build.mockImplementation((app) => {
      new TerraformStack(app, 'built');
      built = Lazy.anyValue({ produce: () => 'value' });
      return new Map();
    });
    synthesize({ environments: ENVIRONMENTS, outdir: join(workdir(), 'out'), only: ['dev'] });
    expect(built?.creationStack).toEqual([]);
    synthesize({
      environments: ENVIRONMENTS,
      outdir: join(workdir(), 'out'),
      only: ['dev'],
      tokenCreationStacks: true,
    });
    expect(built?.creationStack).toEqual(
      expect.arrayContaining([expect.stringContaining('synthesize.test.ts')]),
    );
  });
});
