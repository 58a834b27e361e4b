import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureVersion, TLSSocket } from 'node:tls';
import { accessRefusal } from '../admin/admin-access.ts';
import type { ClusterId } from '../core/ids.ts';
import type { ReloadableTls } from '../tls/reloadable-tls.ts';
import { clientCertificateOf } from '../tls/tls-grpc-listener.ts';
import { secureContextOptions } from '../tls/tls-material.ts';
import type { NodeMetrics } from './node-metrics.ts';

export type MetricsServerStart = { readonly ok: true; readonly port: number } | { readonly ok: false; readonly message: string };

/**
 * Metrics over HTTPS with the admin API's certificate. With `clientCertAuth`, a scrape needs a
 * client certificate granting the reader role, as the admin API's read-only calls do: the
 * metrics tell as much (role, term, leader, peers).
 */
export interface MetricsTlsSettings {
  readonly source: ReloadableTls;
  readonly minVersion: SecureVersion;
  readonly clientCertAuth: boolean;
  readonly clusterId: ClusterId;
}

/** Serves `GET /metrics` (Prometheus text format) over HTTP, or HTTPS given TLS settings; everything else is 404. */
export class MetricsServer {
  private readonly server: http.Server | https.Server;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly metrics: NodeMetrics,
    private readonly tls: MetricsTlsSettings | null = null,
  ) {
    const handler = (request: http.IncomingMessage, response: http.ServerResponse): void => void this.handle(request, response);
    if (tls === null) {
      this.server = http.createServer(handler);
      this.unsubscribe = () => undefined;
      return;
    }
    const secure = https.createServer(
      { ...secureContextOptions(tls.source.current(), tls.minVersion), requestCert: tls.clientCertAuth, rejectUnauthorized: false },
      handler,
    );
    this.unsubscribe = tls.source.onChange((material) => secure.setSecureContext(secureContextOptions(material, tls.minVersion)));
    this.server = secure;
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
    this.unsubscribe();
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
    if (this.tls?.clientCertAuth === true) {
      const refusal = accessRefusal('GET /metrics', 'reader', clientCertificateOf(request.socket as TLSSocket), this.tls.clusterId);
      if (refusal !== null) {
        response.writeHead(403, { 'content-type': 'text/plain' }).end(`${refusal}\n`);
        return;
      }
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
