import tls from 'node:tls';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { ReloadableTls } from './reloadable-tls.ts';
import { secureContextOptions, type TlsMaterial } from './tls-material.ts';

export interface TlsListenerOptions {
  readonly tls: ReloadableTls;
  readonly minVersion: tls.SecureVersion;
  /** Ask every client for a certificate, checked against the material's CA. */
  readonly requestClientCertificate: boolean;
  /** A connection that never completed a TLS handshake: not TLS at all (a plaintext client), or a TLS error. */
  readonly onHandshakeFailure: (remote: string, problem: string) => void;
}

/** What a call's connection proved about its client. */
export type ClientCertificate = { readonly trusted: true; readonly certificate: PeerCertificate } | { readonly trusted: false; readonly problem: string };

export type TlsListenStart = { readonly ok: true; readonly port: number } | { readonly ok: false; readonly message: string };

/** A TLS client should finish its handshake in far less; past this a connection that does not is closed. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Serves a gRPC server over TLS from a TLS server of our own, whose connections it hands to gRPC
 * (grpc-js's connection injector). Owning the TLS server is what lets a node say why a
 * connection was refused (a plaintext client, no certificate, another CA's, an expired one),
 * where grpc-js would drop it silently; and it takes new certificates for new connections
 * (`ReloadableTls.reload`) with the configured minimum TLS version kept.
 *
 * Client certificates are asked for but not enforced by the handshake: a connection whose
 * certificate does not verify reaches gRPC, where every call on it is refused with
 * PERMISSION_DENIED naming the problem (see `clientCertificate`), so the caller learns why
 * instead of seeing a reset connection. No call ever runs on such a connection.
 */
export class TlsGrpcListener {
  private readonly server: tls.Server;
  private readonly injector: ReturnType<grpc.Server['createConnectionInjector']>;
  /** Why each open connection whose client certificate did not verify is untrusted, by `host:port` as `call.getPeer()` names it. */
  private readonly untrusted = new Map<string, string>();
  private readonly sockets = new Set<TLSSocket>();
  private readonly unsubscribe: () => void;

  constructor(
    grpcServer: grpc.Server,
    private readonly options: TlsListenerOptions,
  ) {
    this.injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    this.server = tls.createServer({
      ...this.contextOptions(options.tls.current()),
      requestCert: options.requestClientCertificate,
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    this.server.on('secureConnection', (socket) => this.accept(socket));
    this.server.on('tlsClientError', (error, socket) => {
      options.onHandshakeFailure(`${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`, describeHandshakeError(error));
    });
    this.unsubscribe = options.tls.onChange((material) => this.server.setSecureContext(this.contextOptions(material)));
  }

  listen(host: string, port: number): Promise<TlsListenStart> {
    return new Promise((resolve) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        resolve({ ok: false, message: error.code === 'EADDRINUSE' ? `${host}:${port} is already in use (EADDRINUSE)` : error.message });
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve({ ok: true, port: typeof address === 'object' && address !== null ? address.port : port });
      });
    });
  }

  /**
   * What the connection of a call proved: a certificate that verified against the CA, or why
   * not. Only meaningful when client certificates are requested.
   */
  clientCertificate(call: { getPeer(): string; getAuthContext(): { readonly sslPeerCertificate?: PeerCertificate } }): ClientCertificate {
    const certificate = call.getAuthContext().sslPeerCertificate;
    if (certificate !== undefined) return { trusted: true, certificate };
    return { trusted: false, problem: this.untrusted.get(call.getPeer()) ?? 'the connection presented no client certificate' };
  }

  /** Stops listening and closes every connection (gRPC's own shutdown ends the calls first). */
  close(): void {
    this.unsubscribe();
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.untrusted.clear();
    this.injector.destroy();
  }

  private contextOptions(material: TlsMaterial): tls.SecureContextOptions {
    return secureContextOptions(material, this.options.minVersion);
  }

  private accept(socket: TLSSocket): void {
    this.sockets.add(socket);
    const key = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`;
    const client = clientCertificateOf(socket);
    if (this.options.requestClientCertificate && !client.trusted) this.untrusted.set(key, client.problem);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.untrusted.delete(key);
    });
    // Errors on an established connection are the HTTP/2 session's to handle; this keeps one from throwing.
    socket.on('error', () => undefined);
    this.injector.injectConnection(socket);
  }
}

/** e.g. `CN=n2, URI:hbc://local/node/n2, issued by CN=hbc local CA`. */
export function describeCertificate(certificate: PeerCertificate): string {
  const subject = certificate.subject?.CN === undefined ? 'no common name' : `CN=${String(certificate.subject.CN)}`;
  const names = certificate.subjectaltname === undefined ? '' : `, ${certificate.subjectaltname}`;
  const issuer = certificate.issuer?.CN === undefined ? '' : `, issued by CN=${String(certificate.issuer.CN)}`;
  return `${subject}${names}${issuer}`;
}

/** What a TLS connection's client proved: a certificate that verified against the server's CA, or why not. */
export function clientCertificateOf(socket: TLSSocket): ClientCertificate {
  if (socket.authorized) return { trusted: true, certificate: socket.getPeerCertificate() };
  return { trusted: false, problem: describeUnverified(socket) };
}

function describeUnverified(socket: TLSSocket): string {
  const certificate = socket.getPeerCertificate();
  if (certificate === null || Object.keys(certificate).length === 0) return 'the connection presented no client certificate';
  const which = `its certificate (${describeCertificate(certificate)})`;
  const code = String(socket.authorizationError ?? '');
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return `${which} has expired: it was valid until ${new Date(certificate.valid_to).toISOString()}`;
    case 'CERT_NOT_YET_VALID':
      return `${which} is not valid yet: its validity starts ${new Date(certificate.valid_from).toISOString()}`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'CERT_SIGNATURE_FAILURE':
      return `${which} is not issued by a CA this node trusts`;
    case 'INVALID_PURPOSE':
      return `${which} is not allowed for client authentication (extended key usage)`;
    default:
      return `${which} does not verify (${code})`;
  }
}

function describeHandshakeError(error: Error): string {
  const code = 'code' in error ? String(error.code) : '';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_HTTP_REQUEST') return 'the client does not speak TLS (a plaintext client?)';
  if (code === 'ECONNRESET') return "the client closed the connection during the TLS handshake (it may not trust this node's certificate)";
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return `no TLS handshake within ${HANDSHAKE_TIMEOUT_MS / 1000} s`;
  // OpenSSL's text: `…:SSL routines:<function>:<reason>:<file>:<line>:`; the reason says it.
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(error.message)?.[1];
  return `TLS handshake failed: ${reason ?? error.message}`;
}
