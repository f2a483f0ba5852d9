/**
 * `npm run event -- up`: the order of its steps, --dry-run, and a failure at each step,
 * with a recording stand-in for cdktf (no provider can be downloaded here) whose synth is
 * the real synth of every environment (the test run's shared one), so the real policy
 * guard judges it; a stand-in hub on loopback that answers only after a few tries; and a
 * recording smoke test (the real one runs against JupyterHub 5.5 in test/e2e/event).
 */
import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError } from '../../../config/load';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { cdktf } from '../../../tools/event/cdktf';
import { openStepLog } from '../../../tools/event/step-log';
import { policyStep, tunnelMissing } from '../../../tools/event/up-command';
import { ENVIRONMENTS } from '../../../config';
import { loadEnvironments } from '../../../config/load';
import { runUp, UP_STEPS, UpStep } from '../../../tools/event/up';
import { lastUp, recordDown, recordUp } from '../../../tools/event/up-record';

// The policy guard reads every stack of the synth; the CLI cases start a process each.
jest.setTimeout(120_000);

let dir: string;
let record: string;
let standIn: string;

/**
 * Records each call; `synth --output D` copies the real synth into D (and, when the
 * `violate` file exists, opens the hackweek cluster's API to the internet); a deploy writes
 * the stack's outputs to --outputs-file; a call whose arguments contain the text of the
 * `fail-on` file exits 1.
 */
const standInScript = (folder: string, synthDir: string) => `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(join(folder, 'calls.txt'))}, 'cdktf ' + args.join(' ') + '\\n');
const failOn = ${JSON.stringify(join(folder, 'fail-on'))};
if (fs.existsSync(failOn) && args.join(' ').includes(fs.readFileSync(failOn, 'utf8'))) {
  console.error('Error: the stand-in fails here');
  process.exit(1);
}
const flag = (name) => args[args.indexOf(name) + 1];
if (args[0] === 'synth') {
  fs.cpSync(${JSON.stringify(synthDir)}, flag('--output'), { recursive: true });
  if (fs.existsSync(${JSON.stringify(join(folder, 'violate'))})) {
    const file = path.join(flag('--output'), 'stacks', 'hub-cluster-hackweek', 'cdk.tf.json');
    const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const cluster of Object.values(stack.resource.aws_eks_cluster)) {
      cluster.vpc_config.endpoint_public_access = true;
      cluster.vpc_config.public_access_cidrs = ['0.0.0.0/0'];
    }
    fs.writeFileSync(file, JSON.stringify(stack));
  }
}
if (args[0] === 'deploy') {
  const file = flag('--outputs-file');
  const outputs = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  outputs[args[1]] = { kubeconfig_command: 'aws eks update-kubeconfig --name hub-hackweek', cluster_name: 'hub-hackweek' };
  fs.writeFileSync(file, JSON.stringify(outputs));
}
console.log(args[0] === 'deploy' ? 'Apply complete! Resources: 1 added' : 'Generated Terraform code');
`;

/** The real synth of every environment: the one jest's global setup made for this run. */
let synthDir: string;
beforeAll(() => {
  synthDir = process.env.HUB_TEST_SYNTH_DIR ?? '';
  if (!synthDir)
    throw new Error('HUB_TEST_SYNTH_DIR is not set: run through jest (jest.config.js global setup)');
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'event-up-'));
  record = join(dir, 'calls.txt');
  standIn = join(dir, 'cdktf-stand-in');
  writeFileSync(standIn, standInScript(dir, synthDir));
  chmodSync(standIn, 0o755);
  process.env.EVENT_DIR = dir;
});
afterEach(() => {
  delete process.env.EVENT_DIR;
  rmSync(dir, { recursive: true, force: true });
});

const calls = () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : []);
const note = (line: string) => writeFileSync(record, `${line}\n`, { flag: 'a' });

/** A hub API that answers 503 `unready` times, then its version. */
function standInHub(unready: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/hub/api/') return void res.writeHead(404).end();
    if (unready-- > 0) return void res.writeHead(503).end('Service Unavailable');
    note('hub answered');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: '5.5.0' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('up', () => {
  let hub: Server;
  let apiUrl: string;
  let lines: string[];

  beforeEach(async () => {
    hub = await standInHub(2);
    apiUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub/api`;
    lines = [];
  });
  afterEach(() => new Promise<void>((resolve) => hub.close(() => resolve())));

  function up(
    options: {
      dryRun?: boolean;
      smokeFails?: boolean;
      invalid?: boolean;
      hubTimeoutMs?: number;
      blocked?: (outputs: Readonly<Record<string, string>>) => string | undefined;
    } = {},
  ) {
    const file = openStepLog('hackweek', 'up', true);
    const log = { ...file, say: (line: string) => (lines.push(line), file.say(line)) };
    return runUp({
      environment: 'hackweek',
      stacks: {
        archive: 'hub-archive-hackweek',
        cluster: 'hub-cluster-hackweek',
        platform: 'hub-platform-hackweek',
      },
      outDir: join(dir, 'synth'),
      outputsFile: join(dir, 'outputs.json'),
      dryRun: options.dryRun ?? false,
      validate: () => {
        note('validate');
        if (options.invalid)
          throw new ConfigError(['hackweek.nodePools.user.user.maxSize: 0 is below minSize 1']);
      },
      cdktf: cdktf(log, [standIn]),
      policy: {
        describe: policyStep(log).describe,
        run: (d) => (note('policy'), policyStep(log).run(d)),
      },
      hub: { apiUrl, token: async () => 'secret', tokenSource: 'JUPYTERHUB_API_TOKEN' },
      waitForHub: { pollMs: 50, timeoutMs: options.hubTimeoutMs ?? 30_000 },
      smokeTest: async (api) => {
        note(`smoke test at ${api.url} with token ${api.token}`);
        return options.smokeFails
          ? { ok: false, error: 'the server of hub-smoke-test failed to start', remains: [] }
          : { ok: true, startSeconds: 4.2, remains: [] };
      },
      platformPreflight: options.blocked,
      smokeTestPlan: ['POST /users/hub-smoke-test', 'DELETE /users/hub-smoke-test'],
      addresses: { hub: 'https://icesat2.hackweek.example.org', grafana: 'https://grafana.example.org/d/x' },
      log,
    });
  }

  const ORDER = [
    'validate',
    `cdktf synth --output ${'<dir>'}/synth`,
    'policy',
    `cdktf deploy hub-archive-hackweek --skip-synth --output <dir>/synth --auto-approve --outputs-file <dir>/outputs.json`,
    `cdktf deploy hub-cluster-hackweek --skip-synth --output <dir>/synth --auto-approve --outputs-file <dir>/outputs.json`,
    `cdktf deploy hub-platform-hackweek --skip-synth --output <dir>/synth --auto-approve --outputs-file <dir>/outputs.json`,
    'hub answered',
    'smoke test at <hub> with token secret',
  ];
  const timeline = () => calls().map((c) => c.split(dir).join('<dir>').split(apiUrl).join('<hub>'));

  it('validates, synthesizes, guards, deploys archive, cluster then platform, waits for the hub, smoke-tests, prints the addresses', async () => {
    expect(await up()).toBe(0);
    expect(timeline()).toEqual(ORDER);
    expect(
      lines.filter((l) => l.startsWith('wait-for-hub: ') && l.includes('not answering yet (HTTP 503)')),
    ).toHaveLength(2);
    expect(lines).toContain('policy: passed');
    expect(lines.slice(-4)).toEqual([
      'hackweek is up.',
      '  hub:     https://icesat2.hackweek.example.org',
      '  grafana: https://grafana.example.org/d/x',
      '  kubeconfig_command: aws eks update-kubeconfig --name hub-hackweek',
    ]);
    const log = readdirSync(dir).find((f) => f.startsWith('hackweek-up-'))!;
    const text = readFileSync(join(dir, log), 'utf8');
    expect(text).toContain('Apply complete! Resources: 1 added');
    expect(text).toMatch(/\d+ rules on \d+ stacks: 0 violation/); // the policy guard's report
    expect(text).not.toContain('secret');
    expect(lastUp('hackweek')).toBeInstanceOf(Date);
  });

  it("keeps a running event's start on a redeploy, and starts a new event after a completed down", async () => {
    const start = new Date('2026-07-13T08:00:00Z');
    recordUp('hackweek', start);
    expect(await up()).toBe(0);
    expect(lastUp('hackweek')).toEqual(start);
    recordDown('hackweek', new Date('2026-07-18T16:00:00Z'));
    expect(lastUp('hackweek')).toBeUndefined();
    const before = Date.now();
    expect(await up()).toBe(0);
    expect(lastUp('hackweek')!.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('with --dry-run prints every command and runs none', async () => {
    expect(await up({ dryRun: true })).toBe(0);
    expect(calls()).toEqual(['validate']); // validating changes nothing
    const said = lines.join('\n').split(dir).join('<dir>');
    for (const command of [
      '<dir>/cdktf-stand-in synth --output <dir>/synth',
      'the policy guard (npm run policy -- <dir>/synth)',
      '<dir>/cdktf-stand-in deploy hub-archive-hackweek --skip-synth --output <dir>/synth --auto-approve --outputs-file <dir>/outputs.json',
      '<dir>/cdktf-stand-in deploy hub-cluster-hackweek --skip-synth --output <dir>/synth --auto-approve --outputs-file <dir>/outputs.json',
      '<dir>/cdktf-stand-in deploy hub-platform-hackweek --skip-synth --output <dir>/synth --auto-approve --outputs-file <dir>/outputs.json',
      `GET ${apiUrl}/ until the hub answers`,
      'smoke-test: with the hub token from JUPYTERHUB_API_TOKEN:',
      '  POST /users/hub-smoke-test',
    ])
      expect(said).toContain(command);
    expect(existsSync(join(dir, 'synth'))).toBe(false);
    expect(lastUp('hackweek')).toBeUndefined();
  });

  const failures: Array<[UpStep, () => Promise<number>, string]> = [
    [
      'synth',
      async () => (writeFileSync(join(dir, 'fail-on'), 'synth'), up()),
      'cdktf-stand-in synth --output',
    ],
    [
      'policy',
      async () => (writeFileSync(join(dir, 'violate'), ''), up()),
      'the policy guard failed (exit 1)',
    ],
    [
      'deploy-archive',
      async () => (writeFileSync(join(dir, 'fail-on'), 'hub-archive-hackweek'), up()),
      'cdktf-stand-in deploy hub-archive-hackweek',
    ],
    [
      'deploy-cluster',
      async () => (writeFileSync(join(dir, 'fail-on'), 'hub-cluster-hackweek'), up()),
      'cdktf-stand-in deploy hub-cluster-hackweek',
    ],
    [
      'deploy-platform',
      async () => (writeFileSync(join(dir, 'fail-on'), 'hub-platform-hackweek'), up()),
      'cdktf-stand-in deploy hub-platform-hackweek',
    ],
    ['wait-for-hub', () => up({ hubTimeoutMs: 1 }), 'did not answer within'],
    [
      'smoke-test',
      () => up({ smokeFails: true }),
      'smoke test failed: the server of hub-smoke-test failed to start',
    ],
  ];

  it.each(failures)('stops at a failed %s and runs nothing after it', async (step, run, message) => {
    expect(await run()).toBe(1);
    const reached = UP_STEPS.indexOf(step);
    // Every call up to and including the failed step's, none after.
    const expected = ORDER.filter((_, i) => {
      const stepOfCall: UpStep[] = [
        'validate',
        'synth',
        'policy',
        'deploy-archive',
        'deploy-cluster',
        'deploy-platform',
        'wait-for-hub',
        'smoke-test',
      ];
      return UP_STEPS.indexOf(stepOfCall[i]) < reached || (stepOfCall[i] === step && step !== 'wait-for-hub');
    });
    expect(timeline()).toEqual(expected);
    const failed = lines.find((l) => l.startsWith(`${step}: failed: `));
    expect(failed).toContain(message);
    expect(lines).toContain(`not run: ${UP_STEPS.slice(reached + 1).join(', ')}`);
    expect(lastUp('hackweek')).toBeUndefined();
  });

  it('stops before the platform when the cluster API is out of reach, naming the port-forward command', async () => {
    const hackweek = loadEnvironments(ENVIRONMENTS).find((e) => e.name === 'hackweek')!;
    expect(hackweek.cluster.ssmPortForward).toBeDefined();
    expect(await up({ blocked: (outputs) => tunnelMissing(hackweek, {}, outputs) })).toBe(1);
    expect(timeline()).toEqual(ORDER.slice(0, 5));
    expect(lines.find((l) => l.startsWith('deploy-platform: failed: '))).toMatch(
      /through the SSM port forward: run .* in a second terminal, then run up again with TF_VAR_api_tunnel_port=8443/,
    );
    expect(tunnelMissing(hackweek, { TF_VAR_api_tunnel_port: '8443' }, {})).toBeUndefined();
  });

  it('names the failed policy rule on the terminal', async () => {
    writeFileSync(join(dir, 'violate'), '');
    expect(await up()).toBe(1);
    expect(
      lines.some(
        (l) => l.startsWith('policy: ') && l.includes('hub-cluster-hackweek') && l.includes('0.0.0.0/0'),
      ),
    ).toBe(true);
  });

  it('refuses an invalid configuration before anything runs', async () => {
    await expect(up({ invalid: true })).rejects.toThrow(
      'hackweek.nodePools.user.user.maxSize: 0 is below minSize 1',
    );
    expect(calls()).toEqual(['validate']);
  });
});

describe('npm run event -- up', () => {
  function event(args: string[], env: Record<string, string> = {}) {
    return spawnSync(process.execPath, ['--import', 'tsx', join('tools', 'event', 'cli.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        EVENT_DIR: dir,
        EVENT_CDKTF: standIn,
        KUBE_API_URL: '',
        JUPYTERHUB_API_TOKEN: '',
        ...env,
      },
      encoding: 'utf8',
    });
  }

  it('refuses to start without a way to the hub token, before it runs anything', () => {
    const run = event(['up', '--env', 'hackweek', '--json']);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout).error).toContain('--kube-api: missing; the smoke test needs the hub token');
    expect(calls()).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).toEqual([]);
  });

  it('--dry-run prints the commands for the environment, with its addresses, and writes nothing', () => {
    const run = event(['up', '--env', 'hackweek', '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${standIn} deploy hub-cluster-hackweek --skip-synth`);
    expect(run.stdout).toContain('GET https://icesat2.hackweek.example.org/hub/api/ until the hub answers');
    expect(run.stdout).toContain(
      'Grafana at https://grafana.monitoring.example.org/d/jupyterhub-golden-signals?var-environment=hackweek',
    );
    expect(run.stdout).toContain('hub token from nowhere'); // said, not refused, in a dry run
    expect(calls()).toEqual([]);
    expect(readdirSync(dir).filter((f) => f !== 'cdktf-stand-in' && f !== 'fail-on')).toEqual([]);
  });

  it('dev reports to no monitoring: no Grafana address', () => {
    const run = event(['up', '--env', 'dev', '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Grafana at none');
  });
});
