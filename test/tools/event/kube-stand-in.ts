/**
 * A stand-in of the parts of the Kubernetes API that `npm run event -- prewarm` calls, on
 * loopback: the user-placeholder StatefulSet's scale subresource, its pods (by the chart's
 * component label), the nodes of a pool (by hub.jupyter.org/node-pool), the placeholder
 * scaler's service account and Jobs. Pods run on two nodes, half on each.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';

export interface SeenRequest {
  readonly method?: string;
  readonly url?: string;
  readonly type?: string;
  readonly auth?: string;
  readonly body: string;
}

export class KubeStandIn {
  readonly requests: SeenRequest[] = [];
  replicas = 4;
  /** How many placeholder pods run, given the replicas; the rest are Pending. @default all */
  running: (replicas: number) => number = (replicas) => replicas;
  /** How many of the pool's two nodes are Ready. @default 2 when all pods run, else 1 */
  readyNodes: (() => number) | undefined;
  /** Extra placeholder pods being deleted (a scale-down), which must not count. @default 0 */
  terminating = 0;
  /** Whether the placeholder scaler's service account exists. @default true */
  serviceAccount = true;
  readonly jobs = new Set<string>();
  url = '';
  private server!: Server;
  /** Placeholders running at the last pod listing (the nodes are listed after the pods). */
  private lastRunning = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private nodesReady(running: number): number {
    if (this.readyNodes) return this.readyNodes();
    return running >= this.replicas ? 2 : 1;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    this.requests.push({
      method: req.method,
      url: req.url,
      type: req.headers['content-type'],
      auth: req.headers.authorization,
      body,
    });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const url = req.url ?? '';
    const path = url.split('?')[0];
    if (path.endsWith('/statefulsets/user-placeholder/scale')) {
      if (req.method === 'PATCH') this.replicas = JSON.parse(body).spec.replicas;
      return send(200, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: this.replicas } });
    }
    if (
      path === '/api/v1/namespaces/jupyterhub/pods' &&
      url.includes('labelSelector=component%3Duser-placeholder')
    ) {
      const running = this.running(this.replicas);
      this.lastRunning = running;
      const items = Array.from({ length: this.replicas + this.terminating }, (_, i) => ({
        metadata: {
          name: `user-placeholder-${i}`,
          ...(i >= this.replicas ? { deletionTimestamp: '2026-07-14T17:00:00Z' } : {}),
        },
        spec: i < running || i >= this.replicas ? { nodeName: `node-${i % 2}` } : {},
        status: { phase: i < running || i >= this.replicas ? 'Running' : 'Pending' },
      }));
      return send(200, { kind: 'PodList', items });
    }
    if (path === '/api/v1/nodes' && url.includes('labelSelector=hub.jupyter.org%2Fnode-pool%3Duser')) {
      const ready = this.nodesReady(this.lastRunning);
      const items = [0, 1].map((i) => ({
        metadata: { name: `node-${i}` },
        status: { conditions: [{ type: 'Ready', status: i < ready ? 'True' : 'False' }] },
      }));
      return send(200, { kind: 'NodeList', items });
    }
    if (path === '/api/v1/namespaces/jupyterhub/serviceaccounts/placeholder-scaler' && req.method === 'GET') {
      return this.serviceAccount
        ? send(200, { kind: 'ServiceAccount', metadata: { name: 'placeholder-scaler' } })
        : send(404, { kind: 'Status', code: 404, message: 'serviceaccounts "placeholder-scaler" not found' });
    }
    if (path === '/apis/batch/v1/namespaces/jupyterhub/jobs' && req.method === 'POST') {
      const name = JSON.parse(body).metadata.name as string;
      if (this.jobs.has(name)) return send(409, { kind: 'Status', code: 409, message: 'already exists' });
      this.jobs.add(name);
      return send(201, JSON.parse(body));
    }
    return send(404, { kind: 'Status', code: 404, message: `no route ${req.method} ${url}` });
  }
}
