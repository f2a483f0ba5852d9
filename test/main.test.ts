/** The synth entry point as an operator runs it: a real process, its exit code and its output. */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS } from '../config';
import { ConfigError } from '../config/load';
import { synthesize } from '../stacks/synthesize';

const root = join(__dirname, '..');

function runMain(env: Record<string, string>) {
  const outdir = join(mkdtempSync(join(tmpdir(), 'hub-main-')), 'out');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  return { ...result, outdir };
}

describe('main.ts', () => {
  it('synthesizes the selected environments offline and exits 0', () => {
    const run = runMain({ HUB_ENVIRONMENTS: 'dev' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(join(run.outdir, 'stacks')).sort()).toEqual([
      'cost-allocation-tags',
      'hub-cluster-dev',
      'hub-platform-dev',
      'state-bootstrap',
    ]);
    rmSync(run.outdir, { recursive: true, force: true });
  });

  it('exits 1 with the problem and writes nothing on bad input', () => {
    const run = runMain({ HUB_ENVIRONMENTS: 'dev,moon' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'HUB_ENVIRONMENTS: unknown environment moon; known: dev, staging, prod, hackweek',
    );
    expect(existsSync(run.outdir)).toBe(false);
  });
});

describe('synthesize', () => {
  it('validates every environment before writing anything', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'hub-synth-')), 'out');
    const broken = {
      ...structuredClone(ENVIRONMENTS.prod),
      network: { vpcCidr: '10.30.0.0/16', availabilityZones: ['us-west-2a'] },
    };
    expect(() =>
      synthesize({ environments: { ...ENVIRONMENTS, prod: broken }, outdir, only: ['dev'] }),
    ).toThrow(ConfigError);
    expect(existsSync(outdir)).toBe(false);
  });
});
