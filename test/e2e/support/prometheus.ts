/**
 * A real Prometheus (Debian's `prometheus` package, 2.42) on loopback for end-to-end
 * tests: a config and a TSDB in a temp dir, a free port, stopped and removed by `stop()`.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { systemTool } from '../../support/tools';
import { freePort } from '../../support/free-port';

export interface PrometheusOptions {
  /** prometheus.yml, without rule_files (set from `ruleFiles`). */
  readonly config: Record<string, unknown>;
  /** Rule file name -> YAML. */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /** More files for its directory (credentials), by name; the config names them relative to it. */
  readonly files?: Readonly<Record<string, string>>;
  /** Past samples in OpenMetrics text, backfilled into its TSDB before it starts (promtool). */
  readonly openMetrics?: string;
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface PromAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'pending' | 'firing' | 'inactive';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class TestPrometheus {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logPath(): string {
    return join(this.dir, 'prometheus.log');
  }

  static async start(options: PrometheusOptions): Promise<TestPrometheus> {
    const binary = systemTool('prometheus', 'prometheus');
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-e2e-'));
    const ruleFiles = Object.keys(options.ruleFiles ?? {});
    for (const [name, text] of Object.entries({ ...options.files, ...options.ruleFiles })) {
      writeFileSync(join(dir, name), text, { mode: 0o600 });
    }
    writeFileSync(join(dir, 'prometheus.yml'), stringify({ ...options.config, rule_files: ruleFiles }));
    if (options.openMetrics !== undefined) {
      writeFileSync(join(dir, 'backfill.om'), options.openMetrics);
      const promtool = systemTool('promtool', 'prometheus');
      const backfill = spawnSync(
        promtool,
        ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'backfill.om'), join(dir, 'data')],
        { encoding: 'utf8' },
      );
      if (backfill.status !== 0) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`promtool could not backfill: ${backfill.stderr}${backfill.stdout}`);
      }
    }
    const port = await freePort();
    const fd = openSync(join(dir, 'prometheus.log'), 'a');
    const child = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { cwd: dir, stdio: ['ignore', fd, fd] },
    );
    closeSync(fd);
    const prom = new TestPrometheus(dir, port, child);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      try {
        if ((await fetch(`${prom.url}/-/ready`)).status === 200) return prom;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    const log = prom.logTail();
    await prom.stop();
    throw new Error(`prometheus did not become ready; log:\n${log}`);
  }

  async query(expr: string): Promise<PromSample[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: PromSample[] } };
    if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
    return body.data?.result ?? [];
  }

  async alerts(): Promise<PromAlert[]> {
    const res = await fetch(`${this.url}/api/v1/alerts`);
    return ((await res.json()) as { data: { alerts: PromAlert[] } }).data.alerts;
  }

  async ruleGroups(): Promise<
    { name: string; rules: { name: string; health: string; lastError?: string }[] }[]
  > {
    const res = await fetch(`${this.url}/api/v1/rules`);
    return (
      (await res.json()) as {
        data: { groups: { name: string; rules: { name: string; health: string }[] }[] };
      }
    ).data.groups;
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (!process.env.PROMETHEUS_E2E_KEEP_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}
