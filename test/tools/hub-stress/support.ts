/** Running the tool's pieces against a scripted transport or a FakeHub, on jest's fake clock. */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { parseOptions } from '../../../tools/hub-stress/args';
import { RunContext } from '../../../tools/hub-stress/context';
import { HubClient } from '../../../tools/hub-stress/hub-client';
import { HttpResponse, Transport, TransportError } from '../../../tools/hub-stress/http';
import { Logger } from '../../../tools/hub-stress/log';

const ENDPOINT = 'http://hub.test/hub/api';

export interface TestContext extends RunContext {
  readonly controller: AbortController;
  /** Everything logged, one entry per line. */
  readonly lines: string[];
}

export function testContext(hub: Transport, argv: readonly string[]): TestContext {
  const options = parseOptions(argv, {
    JUPYTERHUB_API_URL: ENDPOINT,
    JUPYTERHUB_API_TOKEN: 'test-token-0123',
  });
  const lines: string[] = [];
  const log = new Logger({ verbose: true, tty: false, secrets: [], write: (t) => lines.push(t.trimEnd()) });
  const controller = new AbortController();
  return {
    options,
    client: new HubClient(options.endpoint, options.token, hub, log),
    log,
    signal: controller.signal,
    ledger: new Set(),
    controller,
    lines,
  };
}

/** Advances the fake clock in small steps until `promise` settles; fails if it never does. */
export async function settle<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let elapsed = 0; !settled && elapsed < limitMs; elapsed += 100) {
    await jest.advanceTimersByTimeAsync(100);
  }
  if (!settled) throw new Error(`did not settle within ${limitMs} ms of fake time`);
  return watched;
}

export type Step = HttpResponse | TransportError;

export interface ScriptedTransport extends Transport {
  readonly calls: { method: string; url: string; auth: string }[];
}

/** A transport that plays back a script of answers and records what was asked. */
export function scripted(steps: Step[]): ScriptedTransport {
  const calls: { method: string; url: string; auth: string }[] = [];
  return {
    calls,
    async request(method, url, headers) {
      calls.push({ method, url: url.toString(), auth: headers.authorization });
      const step = steps.shift();
      if (!step) throw new Error(`script exhausted at ${method} ${url.pathname}`);
      if (step instanceof TransportError) throw step;
      return step;
    },
    close() {},
  };
}

export const answer = (
  status: number,
  body: unknown = {},
  headers: Record<string, string> = {},
): HttpResponse => ({ status, headers, body: JSON.stringify(body) });

export const quiet = new Logger({ verbose: false, tty: false, secrets: [] });

/** Serves `transport` (a FakeHub) over real HTTP on loopback, for tests of the whole CLI. */
export async function serve(transport: Transport): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
      const url = new URL(req.url ?? '/', 'http://localhost');
      transport.request(req.method ?? 'GET', url, {}, body, 30_000).then(
        (answer) => {
          res.writeHead(answer.status, answer.headers as Record<string, string>);
          res.end(answer.body);
        },
        () => req.socket.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hub/api`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
