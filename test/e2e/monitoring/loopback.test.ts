/**
 * The monitoring topology on loopback, all real: a JupyterHub 5.5 with the metrics service
 * and role of the generated hub values, a Prometheus in agent mode configured from the
 * agent's generated scrape, label and remote-write settings, and a central Prometheus with
 * the remote-write receiver behind TLS and basic authentication (bcrypt), as the central
 * side serves it. hub-stress spawns servers while the agent scrapes.
 *
 * Rewritten for loopback, and nothing else: targets and the receiver's address point at
 * 127.0.0.1, files at a temp folder, the scrape interval is 2 s, and only the jobs with a
 * target here (the hub) are kept; the Kubernetes-discovered jobs have nothing to find.
 * Debian's Prometheus 2.42 takes `--enable-feature=agent` where the chart's 3.x takes
 * `--agent`; `--web.enable-remote-write-receiver`, `--web.config.file` and
 * `--storage.agent.path` are the same in both.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ENVIRONMENTS } from '../../../config';
import { parseEnvironment } from '../../../config/load';
import { jupyterHubValues } from '../../../lib/jupyterhub/hub-values';
import { METRICS_SERVICE } from '../../../lib/jupyterhub/names';
import { agentValues } from '../../../lib/monitoring/agent-values';
import { poolScheduling } from '../../../lib/node-scheduling';
import { SCRAPE_JOBS } from '../../../lib/monitoring/scrape-jobs';
import { Values } from '../../../lib/platform/helm-values';
import { systemTool } from '../../support/tools';
import { TestHub } from '../support/jupyterhub';
import { runTool } from '../support/run-tool';
import { freePort } from '../../support/free-port';

const ENVIRONMENT = 'prod';
const CLUSTER = 'hub-prod';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Debian's python3, where the python3-bcrypt package installs the bcrypt module. */
const DEBIAN_PYTHON = '/usr/bin/python3';

/** A bcrypt hash, as Prometheus's web config wants it. */
function bcrypt(password: string): string {
  try {
    return execFileSync(
      DEBIAN_PYTHON,
      [
        '-c',
        'import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=10)).decode())',
        password,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
      .toString()
      .trim();
  } catch (error) {
    throw new Error(
      `bcrypt with ${DEBIAN_PYTHON} failed (apt-get install python3-bcrypt): ${(error as Error).message}`,
    );
  }
}

/** The agent's generated values for the production hub, as the hub platform stack builds them. */
function generatedAgentValues(): Values {
  return agentValues({
    clusterName: CLUSTER,
    environment: ENVIRONMENT,
    hubNamespace: 'jupyterhub',
    receiverUrl: 'https://metrics.monitoring.example.org/api/v1/write',
    hubTokenSecret: { name: 'hub', key: 'token' },
    clusterAutoscaler: 'cluster-autoscaler.kube-system.svc:8085',
    gpus: true,
    server: { cpuMillis: 500, memoryMiB: 1024 },
    nodeTolerations: [],
  });
}

interface Started {
  readonly child: ChildProcess;
  readonly log: () => string;
}

const children: ChildProcess[] = [];

function start(args: string[]): Started {
  const child = spawn(systemTool('prometheus', 'prometheus'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  return { child, log: () => log };
}

/** GET over https trusting only the test CA, or plain http. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  if (url.startsWith('http:'))
    return fetch(url, { headers }).then(async (r) => ({ status: r.status, text: await r.text() }));
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, ca: readFileSync(caFile) }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitReady(url: string, headers: Record<string, string>, what: Started): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (what.child.exitCode !== null) throw new Error(`prometheus exited:\n${what.log()}`);
    try {
      if ((await get(url, headers)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url} never became ready:\n${what.log()}`);
}

let dir: string;
let hub: TestHub;
let caFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'monitoring-loopback-'));
  caFile = join(dir, 'receiver.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'receiver.key'),
      '-out',
      caFile,
    ],
    { stdio: 'ignore' },
  );
  // The metrics service and its role exactly as the generated hub values define them.
  const prod = parseEnvironment(ENVIRONMENT, ENVIRONMENTS[ENVIRONMENT]);
  const pools = [
    ...Object.keys(prod.nodePools.user).map((name) => ({
      name,
      kind: 'user' as const,
      ...poolScheduling('user', name),
    })),
    ...Object.keys(prod.nodePools.gpu).map((name) => ({
      name,
      kind: 'gpu' as const,
      ...poolScheduling('gpu', name),
    })),
  ];
  const hubValues = jupyterHubValues({
    env: prod,
    pools,
    certificateArn: 'arn:aws:acm:us-west-2:123456789012:certificate/x',
  }) as {
    hub: { loadRoles: Record<string, { scopes: string[] }> };
  };
  hub = await TestHub.start({
    concurrentSpawnLimit: 3,
    adminService: 'hub-stress',
    services: [{ name: METRICS_SERVICE, scopes: hubValues.hub.loadRoles[METRICS_SERVICE].scopes }],
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await hub?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A central Prometheus with the receiver, TLS and basic auth for `users`; returns its URL. */
async function startCentral(
  name: string,
  users: Record<string, string>,
): Promise<{ url: string; auth: string; server: Started }> {
  const port = await freePort();
  const web = join(dir, `${name}-web.yml`);
  writeFileSync(
    web,
    stringify({
      tls_server_config: { cert_file: caFile, key_file: join(dir, 'receiver.key') },
      basic_auth_users: Object.fromEntries(Object.entries(users).map(([u, p]) => [u, bcrypt(p)])),
    }),
  );
  writeFileSync(join(dir, `${name}.yml`), stringify({ global: {} }));
  const server = start([
    `--config.file=${join(dir, `${name}.yml`)}`,
    `--storage.tsdb.path=${join(dir, `${name}-data`)}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    `--web.config.file=${web}`,
  ]);
  const url = `https://127.0.0.1:${port}`;
  const auth = `Basic ${Buffer.from(`reader:${users.reader}`).toString('base64')}`;
  await waitReady(`${url}/-/ready`, { authorization: auth }, server);
  return { url, auth, server };
}

/** An agent from the generated settings, rewritten for loopback, writing to `receiver` with `password`. */
async function startAgent(
  name: string,
  receiver: string,
  password: string,
): Promise<{ url: string; server: Started }> {
  const values = generatedAgentValues() as {
    server: { global: Values };
    serverFiles: { 'prometheus.yml': { scrape_configs: Values[]; remote_write: Values[] } };
  };
  const tokenFile = join(dir, `${name}-hub-token`);
  writeFileSync(tokenFile, hub.serviceToken(METRICS_SERVICE));
  const passwordFile = join(dir, `${name}-password`);
  writeFileSync(passwordFile, password);
  const hubJob = values.serverFiles['prometheus.yml'].scrape_configs.find(
    (j) => j.job_name === SCRAPE_JOBS.hub,
  )!;
  const [remoteWrite] = values.serverFiles['prometheus.yml'].remote_write as Array<{
    url: string;
    basic_auth: Values;
    tls_config: Values;
  }>;
  const config = {
    global: { ...values.server.global, scrape_interval: '2s', scrape_timeout: '1s' },
    scrape_configs: [
      {
        ...hubJob,
        authorization: { credentials_file: tokenFile },
        static_configs: [{ targets: [new URL(hub.hubUrl).host] }],
      },
    ],
    remote_write: [
      {
        ...remoteWrite,
        url: `${receiver}${new URL(remoteWrite.url).pathname}`,
        basic_auth: { ...remoteWrite.basic_auth, password_file: passwordFile },
        tls_config: { ...remoteWrite.tls_config, ca_file: caFile },
        queue_config: { batch_send_deadline: '1s' },
      },
    ],
  };
  writeFileSync(join(dir, `${name}.yml`), stringify(config));
  const port = await freePort();
  const server = start([
    '--enable-feature=agent',
    `--config.file=${join(dir, `${name}.yml`)}`,
    `--storage.agent.path=${join(dir, `${name}-wal`)}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`, {}, server);
  return { url, server };
}

async function query(
  central: { url: string; auth: string },
  promql: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await get(`${central.url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
    authorization: central.auth,
  });
  if (res.status !== 200) throw new Error(`query ${promql}: HTTP ${res.status}`);
  return (
    JSON.parse(res.text) as {
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    }
  ).data.result;
}

/** The value of an agent's own metric (summed), from its /metrics page. */
async function agentMetric(agent: { url: string }, name: string): Promise<number> {
  const { text } = await get(`${agent.url}/metrics`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('hub metrics on loopback: agent mode to a central receiver', () => {
  it('delivers the hub series, labelled with cluster and environment, while hub-stress spawns servers', async () => {
    const password = 'agent-password-0123456789abcdef';
    const central = await startCentral('central', {
      [ENVIRONMENT]: password,
      reader: 'reader-password-0123',
    });
    await startAgent('agent', central.url, password);

    const stress = await runTool(
      ['stress', '--prefix', 'e2e-mon', '--count', '6', '--batch-size', '3', '--json'],
      {
        JUPYTERHUB_API_URL: hub.apiUrl,
        JUPYTERHUB_API_TOKEN: hub.token,
      },
    );
    expect(stress.code).toBe(0);
    expect(JSON.parse(stress.stdout)).toMatchObject({ serversReady: 6 });

    // Spawns the agent saw, delivered centrally with the generated external labels.
    const selector = `{job="${SCRAPE_JOBS.hub}",environment="${ENVIRONMENT}",cluster="${CLUSTER}"}`;
    let spawns: Awaited<ReturnType<typeof query>> = [];
    for (let i = 0; i < 60; i++) {
      spawns = await query(central, `sum(jupyterhub_server_spawn_duration_seconds_count${selector})`);
      if (spawns.length > 0 && Number(spawns[0].value[1]) >= 6) break;
      await sleep(1000);
    }
    expect(Number(spawns[0]?.value[1] ?? 0)).toBeGreaterThanOrEqual(6);
    const up = await query(central, `up${selector}`);
    expect(up.map((r) => r.value[1])).toEqual(['1']);
    expect(up[0].metric).toMatchObject({ environment: ENVIRONMENT, cluster: CLUSTER, job: SCRAPE_JOBS.hub });
  });

  it('delivers nothing when the agent presents the wrong password', async () => {
    const central = await startCentral('central-strict', {
      [ENVIRONMENT]: 'the-right-password-0123',
      reader: 'reader-password-0123',
    });
    const agent = await startAgent('agent-wrong', central.url, 'a-wrong-password-0123456');
    // The agent scrapes and tries to send: wait until the receiver has refused a batch.
    let failed = 0;
    for (let i = 0; i < 60 && failed === 0; i++) {
      await sleep(1000);
      failed =
        (await agentMetric(agent, 'prometheus_remote_storage_samples_failed_total')) +
        (await agentMetric(agent, 'prometheus_remote_storage_failed_samples_total'));
    }
    expect(failed).toBeGreaterThan(0);
    expect(await query(central, `up{job="${SCRAPE_JOBS.hub}"}`)).toEqual([]);
    expect(agent.server.log()).toMatch(/401/);
  });
});
