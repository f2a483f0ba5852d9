import { HubClient, describe as describeResult } from '../../../tools/hub-stress/hub-client';
import { TransportError } from '../../../tools/hub-stress/http';
import { answer, quiet, scripted } from './support';

const fast = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 60_000 };

describe('HubClient.call', () => {
  it('rides through 503s and refused connections and counts each retry by cause', async () => {
    const transport = scripted([
      answer(503),
      new TransportError('refused', 'ECONNREFUSED'),
      answer(503),
      answer(200, { name: 'x' }),
    ]);
    const client = new HubClient('http://hub/hub/api', 'tok', transport, quiet, fast);
    const res = await client.getUser('x');
    expect(res).toMatchObject({ ok: true, status: 200, retried: ['503', 'ECONNREFUSED', '503'] });
    expect(client.retries.toJSON()).toEqual({ '503': 2, ECONNREFUSED: 1 });
    expect(client.latencies).toHaveLength(4);
    expect(transport.calls[0]).toEqual({
      method: 'GET',
      url: 'http://hub/hub/api/users/x',
      auth: 'token tok',
    });
  });

  it('leaves server starts and stops, which the hub holds open while it spawns, out of the API latency', async () => {
    const transport = scripted([answer(202), answer(204), answer(200, { name: 'x' })]);
    const client = new HubClient('http://hub/hub/api', 'tok', transport, quiet, fast);
    await client.startServer('hub-stress-0001', undefined);
    await client.stopServer('hub-stress-0001');
    expect(client.latencies).toHaveLength(0);
    await client.getUser('x');
    expect(client.latencies).toHaveLength(1);
  });

  it('gives up after maxAttempts and returns the last answer rather than throwing', async () => {
    const client = new HubClient(
      'http://hub/hub/api',
      'tok',
      scripted([502, 502, 502, 502].map((s) => answer(s))),
      quiet,
      fast,
    );
    const res = await client.getUser('x');
    expect(res).toMatchObject({ ok: true, status: 502 });
  });

  it('hands a spawn 429 with its Retry-After straight back to the scheduler', async () => {
    const transport = scripted([answer(429, { message: 'Too many users' }, { 'retry-after': '37' })]);
    const client = new HubClient('http://hub/hub/api', 'tok', transport, quiet, fast);
    const res = await client.startServer('hub-stress-0001', undefined);
    expect(res).toMatchObject({ ok: true, status: 429, retryAfterMs: 37_000, message: 'Too many users' });
    expect(transport.calls).toHaveLength(1);
  });

  it('does not retry answers that are not transient', async () => {
    const transport = scripted([answer(400, { message: 'hub-stress-0001 is already running' })]);
    const client = new HubClient('http://hub/hub/api', 'tok', transport, quiet, fast);
    expect(await client.startServer('hub-stress-0001', 'small')).toMatchObject({
      status: 400,
      message: 'hub-stress-0001 is already running',
    });
    expect(client.retries.total()).toBe(0);
  });

  it('reports a socket error that is not transient without retrying', async () => {
    const client = new HubClient(
      'http://hub/hub/api',
      'tok',
      scripted([new TransportError('bad cert', 'CERT_HAS_EXPIRED')]),
      quiet,
      fast,
    );
    expect(await client.version()).toMatchObject({ ok: false, code: 'CERT_HAS_EXPIRED' });
  });

  it('lists only exact <prefix>-NNNN users across pages', async () => {
    const page = (names: string[], next: number | null) =>
      answer(200, {
        items: names.map((name) => ({ name })),
        _pagination: { next: next === null ? null : { offset: next } },
      });
    const transport = scripted([
      page(['hub-stress-0001', 'my-hub-stress-fan'], 2),
      page(['hub-stress-0002', 'hub-stress-x'], null),
    ]);
    const client = new HubClient('http://hub/hub/api', 'tok', transport, quiet, fast);
    const users = await client.listTestUsers('hub-stress');
    expect(users.map((u) => u.name)).toEqual(['hub-stress-0001', 'hub-stress-0002']);
    expect(transport.calls[1].url).toContain('offset=2');
  });

  it('keeps only a short status text from an HTML error page', async () => {
    const page =
      '<html>\n<head><title>404 Not Found</title></head>\n<body>\n' + 'x'.repeat(500) + '\n</body></html>';
    const client = new HubClient(
      'http://hub/hub/api',
      'tok',
      scripted([
        { status: 404, headers: { 'content-type': 'text/html' }, body: page },
        { status: 502, statusText: 'Bad Gateway', headers: {}, body: '<h1>502</h1>\n<p>nginx</p>' },
      ]),
      quiet,
      { ...fast, maxAttempts: 1 },
    );
    expect(await client.version()).toMatchObject({ status: 404, message: 'Not Found' });
    expect(describeResult(await client.getUser('x'))).toBe('HTTP 502 (Bad Gateway)');
  });

  it("squeezes the hub's own message onto one line of at most 100 characters", async () => {
    const message = `spawn failed:\n  Traceback (most recent call last):\n${'    frame\n'.repeat(40)}`;
    const client = new HubClient(
      'http://hub/hub/api',
      'tok',
      scripted([answer(500, { message })]),
      quiet,
      fast,
    );
    const res = await client.startServer('hub-stress-0001', undefined);
    expect(res.message).toMatch(/^spawn failed: Traceback \(most recent call last\): frame frame/);
    expect(res.message).not.toContain('\n');
    expect(res.message.length).toBeLessThanOrEqual(100);
  });
});
