/**
 * moto's server mode (from the hub's Python environment, python/requirements.txt) on a
 * free loopback port: a real AWS API endpoint for tests of tools that call AWS. Point the
 * SDK at it with AWS_ENDPOINT_URL and any credentials.
 */
import { ChildProcess, spawn } from 'child_process';
import { venvBin } from './tools';
import { freePort } from './free-port';

export interface Moto {
  readonly url: string;
  /** The environment a tool needs to talk to this moto, not to AWS. */
  readonly env: Readonly<Record<string, string>>;
  /** Queues results for Cost Explorer's GetCostAndUsage, one per distinct request. */
  seedCostAndUsage(results: readonly unknown[]): Promise<void>;
  stop(): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited ${child.exitCode}: ${output()}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto_server did not answer at ${url} within 30 s: ${output()}`);
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(venvBin('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  try {
    await waitUntilUp(url, child, () => log.slice(-2000));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    env: {
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
    },
    async seedCostAndUsage(results) {
      const response = await fetch(`${url}/moto-api/static/ce/cost-and-usage-results`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ results }),
      });
      if (response.status !== 201) throw new Error(`seeding Cost Explorer answered ${response.status}`);
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
