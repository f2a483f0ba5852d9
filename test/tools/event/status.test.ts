/**
 * `npm run event -- status`, its Kubernetes and cost parts: nodes per pool and the
 * placeholders against a stand-in of the Kubernetes API made here, the hub token read
 * from the hub's Secret through it, the plan's share of the elapsed days, and Cost
 * Explorer's figure from moto's server mode (or why there is none). The hub part runs
 * against JupyterHub 5.5 in test/e2e/event/status.test.ts.
 */
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { ENVIRONMENTS } from '../../../config';
import { planEnvironment } from '../../../config/cost-plan';
import { loadEnvironments } from '../../../config/load';
import { hubToken } from '../../../tools/event/hub-token';
import { costSoFar, kubeStatus, plannedSoFar, renderStatus, StatusReport } from '../../../tools/event/status';
import { Moto, startMoto } from '../../support/moto';

jest.setTimeout(60_000);

const hackweek = loadEnvironments(ENVIRONMENTS).find((e) => e.name === 'hackweek')!;

const node = (pool: string | undefined, ready: boolean) => ({
  metadata: { labels: pool ? { 'hub.jupyter.org/node-pool': pool } : {} },
  status: {
    conditions: [
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: ready ? 'True' : 'False' },
    ],
  },
});

/** A Kubernetes API with some nodes, the placeholder StatefulSet and the hub Secret. */
function standInKube(requests: Array<{ url?: string; auth?: string }>): Promise<Server> {
  const server = createServer((req: IncomingMessage, res) => {
    requests.push({ url: req.url, auth: req.headers.authorization });
    const json = (body: unknown): void =>
      void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(req.url ?? '/', 'http://kube');
    if (url.pathname === '/api/v1/nodes') {
      // What the API server does with the label selector: only nodes carrying the label.
      const all = [
        node('core', true),
        node('user', true),
        node('user', true),
        node('user', false),
        node(undefined, true),
      ];
      const key = url.searchParams.get('labelSelector')!;
      return json({ kind: 'NodeList', items: all.filter((n) => key in n.metadata.labels) });
    }
    if (url.pathname === '/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder')
      return json({ kind: 'StatefulSet', spec: { replicas: 8 }, status: { replicas: 8, readyReplicas: 5 } });
    if (url.pathname === '/api/v1/namespaces/jupyterhub/secrets/hub')
      return json({
        kind: 'Secret',
        data: {
          'hub.services.event-operator.apiToken': Buffer.from('operator-token-value').toString('base64'),
        },
      });
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the Kubernetes part', () => {
  let server: Server;
  let requests: Array<{ url?: string; auth?: string }>;
  let url: string;
  beforeEach(async () => {
    requests = [];
    server = await standInKube(requests);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts ready and not-ready nodes per pool, lists empty pools, and reads the placeholders', async () => {
    const status = await kubeStatus({ url, token: 'k8s-aws-v1.x' }, ['core', 'user', 'gpu']);
    expect(status).toEqual({
      pools: [
        { pool: 'core', ready: 1, notReady: 0 },
        { pool: 'user', ready: 2, notReady: 1 },
        { pool: 'gpu', ready: 0, notReady: 0 },
      ],
      placeholders: { wanted: 8, ready: 5 },
    });
    expect(requests).toEqual([
      { url: '/api/v1/nodes?labelSelector=hub.jupyter.org%2Fnode-pool', auth: 'Bearer k8s-aws-v1.x' },
      {
        url: '/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder',
        auth: 'Bearer k8s-aws-v1.x',
      },
    ]);
  });

  it('reads the event-operator token from the hub Secret, unless JUPYTERHUB_API_TOKEN is set', async () => {
    expect(await hubToken({}, { url })).toBe('operator-token-value');
    expect(requests.map((r) => r.url)).toEqual(['/api/v1/namespaces/jupyterhub/secrets/hub']);
    expect(await hubToken({ JUPYTERHUB_API_TOKEN: 'from-env' }, { url })).toBe('from-env');
    expect(requests).toHaveLength(1);
  });

  it('says how to give a token when there is no way to one', async () => {
    await expect(hubToken({}, undefined)).rejects.toThrow(
      /^no hub API token: set JUPYTERHUB_API_TOKEN, or KUBE_API_URL/,
    );
  });

  it('names the path and the answer when the API refuses a request', async () => {
    await expect(kubeStatus({ url: `${url}/nowhere` }, ['core'])).rejects.toThrow(
      /^GET \/api\/v1\/nodes\?labelSelector=hub.jupyter.org%2Fnode-pool answered 404/,
    );
  });
});

describe('the cost part', () => {
  const since = new Date('2026-07-13T00:00:00Z');

  it("is the plan's share of the elapsed days, never more than the plan", () => {
    const { planned } = planEnvironment(hackweek);
    expect(hackweek.cost.plan.days).toBe(5);
    const halfway = plannedSoFar(hackweek, since, new Date('2026-07-15T12:00:00Z'));
    expect(halfway).toMatchObject({
      since: '2026-07-13',
      elapsedDays: 2.5,
      planDays: 5,
      plannedTotal: planned.total,
    });
    expect(halfway.plannedSoFar).toBeCloseTo(planned.total / 2, 6);
    const after = plannedSoFar(hackweek, since, new Date('2026-07-25T00:00:00Z'));
    expect(after.plannedSoFar).toBeCloseTo(planned.total, 6);
  });

  describe('from Cost Explorer (moto)', () => {
    let moto: Moto;
    const saved = { ...process.env };
    beforeAll(async () => {
      moto = await startMoto();
    });
    afterAll(() => moto?.stop());
    afterEach(() => {
      process.env = { ...saved };
    });

    it('adds the actual cost from the first day to today', async () => {
      await moto.seedCostAndUsage([
        {
          ResultsByTime: [
            {
              TimePeriod: { Start: '2026-07-13', End: '2026-07-14' },
              Groups: [
                {
                  Keys: ['Amazon Elastic Compute Cloud - Compute'],
                  Metrics: { UnblendedCost: { Amount: '61.5', Unit: 'USD' } },
                },
              ],
              Estimated: false,
            },
            {
              TimePeriod: { Start: '2026-07-14', End: '2026-07-15' },
              Groups: [
                {
                  Keys: ['Amazon Elastic File System'],
                  Metrics: { UnblendedCost: { Amount: '3.25', Unit: 'USD' } },
                },
              ],
              Estimated: true,
            },
          ],
        },
      ]);
      Object.assign(process.env, moto.env);
      const cost = await costSoFar(hackweek, since, new Date('2026-07-14T12:00:00Z'));
      expect(cost.actual).toEqual({ total: 64.75, to: '2026-07-14', estimated: true });
      expect(cost.actualUnavailable).toBeUndefined();
    });

    it('says why when Cost Explorer does not answer, and keeps the plan', async () => {
      Object.assign(process.env, moto.env, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
      const cost = await costSoFar(hackweek, since, new Date('2026-07-14T12:00:00Z'));
      expect(cost.actual).toBeUndefined();
      expect(cost.actualUnavailable).toMatch(/^Cost Explorer: /);
      expect(cost.plannedSoFar).toBeGreaterThan(0);
      const report: StatusReport = {
        environment: 'hackweek',
        at: '2026-07-14T12:00:00.000Z',
        hub: { url: 'https://hub/hub/api', error: 'no hub API token' },
        kubernetes: { unavailable: 'pass --kube-api URL' },
        cost,
      };
      const text = renderStatus(report).join('\n');
      expect(text).toContain('cost since 2026-07-13 (day 1.5 of 5): planned $');
      expect(text).toContain('  actual: not available (Cost Explorer: ');
    });
  });
});
