/**
 * One HTTP exchange over a keep-alive agent. Connections to the hub are reused: a load
 * test that opens a socket per request measures its own TLS handshakes, and can run the
 * client out of ephemeral ports before the hub is stressed.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpResponse {
  readonly status: number;
  /** The reason phrase the server sent ("Not Found"), if any. */
  readonly statusText?: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A request that got no HTTP answer; `code` is the socket error code or REQUEST_TIMEOUT. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface Transport {
  request(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<HttpResponse>;
  close(): void;
}

export function createTransport(maxSockets: number): Transport {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, keepAliveMsecs: 1000 };
  const agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
  return {
    request(method, url, headers, body, timeoutMs) {
      return new Promise((resolve, reject) => {
        const isHttps = url.protocol === 'https:';
        const send = isHttps ? https.request : http.request;
        const req = send(
          url,
          {
            method,
            agent: isHttps ? agents['https:'] : agents['http:'],
            headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                statusText: res.statusMessage,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', (err: NodeJS.ErrnoException) =>
              reject(new TransportError(err.message, err.code ?? 'ECONNRESET')),
            );
          },
        );
        req.setTimeout(timeoutMs, () =>
          req.destroy(new TransportError(`no answer within ${timeoutMs} ms`, 'REQUEST_TIMEOUT')),
        );
        req.on('error', (err: NodeJS.ErrnoException) =>
          reject(
            err instanceof TransportError ? err : new TransportError(err.message, err.code ?? 'ECONNRESET'),
          ),
        );
        req.end(body);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
