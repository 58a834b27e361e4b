import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeMetrics } from './node-metrics.ts';

export type MetricsServerStart = { readonly ok: true; readonly port: number } | { readonly ok: false; readonly message: string };

/** Serves `GET /metrics` (Prometheus text format) over plain HTTP; everything else is 404. */
export class MetricsServer {
  private readonly server: http.Server;

  constructor(private readonly metrics: NodeMetrics) {
    this.server = http.createServer((request, response) => void this.handle(request, response));
  }

  /** `host:port`; port 0 picks a free one. A port in use is a value, not a throw. */
  start(address: string): Promise<MetricsServerStart> {
    const split = address.lastIndexOf(':');
    const host = address.slice(0, split).replace(/^\[(.*)\]$/, '$1');
    const port = Number(address.slice(split + 1));
    return new Promise((resolve) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.message;
        resolve({ ok: false, message: `cannot serve metrics on ${address}: ${why}` });
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve({ ok: true, port: (this.server.address() as AddressInfo).port });
      });
    });
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    try {
      const body = await this.metrics.metrics();
      response.writeHead(200, { 'content-type': this.metrics.contentType });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}
