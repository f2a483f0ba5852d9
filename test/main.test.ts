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
  it('synthesizes the selected environments offline, says what it wrote where, and exits 0', () => {
    const run = runMain({ HUB_ENVIRONMENTS: 'dev' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(join(run.outdir, 'stacks')).sort()).toEqual([
      'cost-allocation-tags',
      'hub-archive-dev',
      'hub-cluster-dev',
      'hub-platform-dev',
      'state-bootstrap',
    ]);
    // The state bootstrap and the account's cost allocation tags always; no monitoring stacks,
    // as dev reports to no monitoring deployment.
    expect(run.stdout).toContain(
      `synthesized 5 stacks into ${join(run.outdir, 'stacks')}/: state-bootstrap, cost-allocation-tags, hub-cluster-dev, hub-platform-dev, hub-archive-dev`,
    );
    // dev: core 2 x m5.large, user 2 x m5.2xlarge and 1 x m5.4xlarge, GPU 1 x g4dn.xlarge.
    expect(run.stdout).toContain(
      '  dev: Standard (A, C, D, H, I, M, R, T, Z) 36 vCPU (m5 36); G and VT 4 vCPU (g4dn 4)',
    );
    rmSync(run.outdir, { recursive: true, force: true });
  });

  it('refuses example values when the cdktf CLI runs it for a deploy, and writes nothing', () => {
    const run = runMain({ HUB_ENVIRONMENTS: 'dev,hackweek', CDKTF_CONTEXT_JSON: '{}' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('invalid configuration:');
    expect(run.stderr).toContain(
      "  - hackweek.account: '123456789012' uses the example account 123456789012",
    );
    expect(run.stderr).toContain(
      "  - hackweek.hub.domain.name: 'icesat2.hackweek.example.org' is an example domain",
    );
    // The monitoring deployment hackweek reports to is written too, so its examples are refused.
    expect(run.stderr).toContain(
      "  - monitoring.central.grafana.domain.name: 'grafana.monitoring.example.org' is an example domain",
    );
    expect(run.stderr).toContain(
      "  - monitoring.central.account: '123456789012' uses the example account 123456789012",
    );
    // dev may keep them, and environments not being deployed are not refused.
    expect(run.stderr).not.toMatch(/ - (dev|prod|staging)\./);
    expect(existsSync(run.outdir)).toBe(false);
  });

  it('keeps the monitoring deployment out of a deploy synth of environments that do not report to it', () => {
    const run = runMain({ HUB_ENVIRONMENTS: 'dev', CDKTF_CONTEXT_JSON: '{}' });
    expect(run.stderr).not.toContain('monitoring.central');
    expect(run.status).toBe(0);
    expect(readdirSync(join(run.outdir, 'stacks'))).not.toContain('monitoring-cluster-central');
    rmSync(run.outdir, { recursive: true, force: true });
  });

  it('lists example values as warnings in an offline synth, or under the CLI with HUB_ALLOW_PLACEHOLDERS=1', () => {
    for (const env of [
      {} as Record<string, string>,
      { CDKTF_CONTEXT_JSON: '{}', HUB_ALLOW_PLACEHOLDERS: '1' },
    ]) {
      const run = runMain({ HUB_ENVIRONMENTS: 'hackweek', ...env });
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('warning: example values, which `cdktf deploy` refuses');
      expect(run.stderr).toContain(
        "  - hackweek.account: '123456789012' uses the example account 123456789012",
      );
      expect(run.stderr).toContain(
        "  - monitoring.central.account: '123456789012' uses the example account 123456789012",
      );
      expect(readdirSync(join(run.outdir, 'stacks'))).toContain('hub-cluster-hackweek');
      rmSync(run.outdir, { recursive: true, force: true });
    }
  });

  it('exits 1 with the problem and writes nothing on bad input', () => {
    const run = runMain({ HUB_ENVIRONMENTS: 'dev,moon' });
    expect(run.status).toBe(1);
    const known = Object.values(ENVIRONMENTS).map((env) => env.name);
    expect(run.stderr).toContain(`HUB_ENVIRONMENTS: unknown environment moon; known: ${known.join(', ')}`);
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
