import type { SecureVersion } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ClusterId, NodeId } from '../core/ids.ts';
import type { PeerMessage } from '../core/messages.ts';
import type { NodeMetadata } from '../health/node-metadata.ts';
import { decodeEnvelopeBytes, encodeEnvelope, encodeMetadata, envelopeBytes, MAX_ENVELOPE_BYTES, type EnvelopeExpectation } from './peer-codec.ts';
import type { Envelope as WireEnvelope } from '../generated/heartbeat/peer/v1/Envelope.ts';
import type { NodeMetadata as WireNodeMetadata } from '../generated/heartbeat/peer/v1/NodeMetadata.ts';
import { PeerRejections, type PeerRejectionReason } from './peer-rejections.ts';
import { bindPlaintext, shutdownGrpcServer } from './grpc-server-lifecycle.ts';
import { carriesMetadata, type InboundHandler, type Transport } from './transport.ts';
import { certifiedNodes, certifiesNode, nodeIdentityUri } from '../tls/certificate-identity.ts';
import type { ReloadableTls } from '../tls/reloadable-tls.ts';
import { peerChannel } from '../tls/tls-channel.ts';
import { TlsGrpcListener } from '../tls/tls-grpc-listener.ts';
import { parseHostPort } from '../util/host-port.ts';
import { RateLimiter } from '../util/rate-limiter.ts';

/**
 * Mutual TLS on every link: this node serves and dials with `source`'s certificate, accepts only
 * clients whose certificate chains to its CA, and believes a stream's sender only if the
 * certificate names it (`hbc://<cluster-id>/node/<id>`, see certificate-identity.ts).
 */
export interface PeerTlsSettings {
  readonly source: ReloadableTls;
  readonly minVersion: SecureVersion;
}

export interface GrpcTransportOptions {
  readonly self: NodeId;
  readonly clusterId: ClusterId;
  /** `host:port` to serve on. Port 0 picks a free port; read it from `boundPort` after `start()`. */
  readonly listenAddress: string;
  /** Every other node of the cluster and its `host:port`. An entry for `self` is ignored. */
  readonly peers: ReadonlyMap<NodeId, string>;
  readonly logger: Logger;
  /**
   * HTTP/2 keepalive of the links this node opens: a connection whose ping is not answered within
   * this long is closed and dialled anew; pings go out every twice this. The node uses its
   * minimum election timeout: a peer silent for that long is being replaced anyway, and a peer
   * that restarts is re-streamed at once without waiting for keepalive. (The server does not ping
   * its callers too: that would double the idle traffic for nothing a caller's own pings miss.)
   */
  readonly livenessTimeoutMs: number;
  /** Reconnect backoff of the peer links; defaults to 50 ms initial, capped at 1000 ms, jittered. */
  readonly reconnectBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** This node's metadata, piggybacked on its heartbeats and acks. */
  readonly localMetadata?: () => NodeMetadata;
  /** Absent or null: plaintext links. */
  readonly tls?: PeerTlsSettings | null;
}

export const PEER_LINK_PATH = '/heartbeat.peer.v1.Peer/Link';
/** Call metadata of a Link stream: who opens it, and for which cluster. */
export const LINK_FROM_KEY = 'hbc-from';
export const LINK_CLUSTER_KEY = 'hbc-cluster-id';

const DEFAULT_BACKOFF = { initialMs: 50, maxMs: 1000 } as const;
/** How long `close()` lets in-flight inbound streams finish before cutting them off. */
const SHUTDOWN_GRACE_MS = 500;
/**
 * Messages written to one stream and not yet handed to the socket. Past this the peer is not
 * reading (paused, or its connection is dead and keepalive has not noticed yet): later messages
 * are dropped rather than queued, since delivery is best-effort and a stale heartbeat or vote is
 * worth nothing.
 */
const MAX_UNFLUSHED_WRITES = 32;
const MAX_WRITES_WHILE_CONNECTING = 4;
/** How often at most a peer's new stream to us makes us redial it on a fresh channel. */
const MIN_REDIAL_INTERVAL_MS = 100;
/**
 * A legitimate peer opens one Link per connection (two for a moment while one replaces the
 * other); the rest of the limit is slack. Bounds what one connection can have in flight.
 */
const MAX_STREAMS_PER_CONNECTION = 4;
/** Not served by any node: see `diagnoseFailedConnections`. */
const PEER_PROBE_PATH = '/heartbeat.peer.v1.Peer/ConnectionProbe';
const PROBE_DEADLINE_MS = 2000;
/** How often at most a link's refusal by its peer (a certificate problem, say) is logged, per peer and kind. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;
/** Stream endings that mean the peer (or TLS) refuses this node, not that it is down. */
const tlsProblem = /certificate|SSL|TLS/i;

interface PeerLink {
  readonly id: NodeId;
  readonly address: string;
  client: grpc.Client;
  call: grpc.ClientDuplexStream<WireEnvelope, Buffer> | null;
  /** The peer's server accepted the stream (its response headers arrived). */
  open: boolean;
  /** Streams in a row that ended before they opened: the backoff before the next. */
  failedAttempts: number;
  retry: NodeJS.Timeout | null;
  /** When the channel was last replaced to reach a restarted peer at once. */
  replacedAtMs: number;
  /** Replies on this link must come from the peer and be addressed to us. */
  readonly replyExpectation: EnvelopeExpectation;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const passBytes = (bytes: Buffer): Buffer => bytes;

/**
 * Transport over gRPC. Each node keeps one long-lived bidirectional `Link` stream to every peer
 * and sends all of its messages to that peer on it; the peer answers each on the same stream
 * (acks, vote responses), so no message costs a call, headers or a deadline timer. A stream that
 * breaks is re-opened (the channel redials with capped, jittered backoff; a stream the peer
 * refused waits a jittered backoff of its own), and a peer that opens a stream to us while ours to
 * it is down has just (re)started: ours is redialled at once instead of after its backoff.
 *
 * The server bounds what a caller can cost: at most `MAX_STREAMS_PER_CONNECTION` streams per
 * connection, messages over `MAX_ENVELOPE_BYTES` refused by gRPC before they are read, and a
 * stream whose metadata or any envelope is wrong ended at once with the status saying why. Every
 * refusal is counted by reason and logged at most once a second per reason.
 */
export class GrpcTransport implements Transport {
  private readonly self: NodeId;
  private readonly clusterId: ClusterId;
  private readonly listenAddress: string;
  private readonly log: Logger;
  private readonly links = new Map<NodeId, PeerLink>();
  /** Open streams from peers, to end them on close. */
  private readonly inbound = new Set<grpc.ServerDuplexStream<Buffer, WireEnvelope>>();
  private readonly inboundExpectation: EnvelopeExpectation;
  private readonly localMetadata: (() => NodeMetadata) | undefined;
  private readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  private readonly channelOptions: grpc.ChannelOptions;
  private readonly serverOptions: grpc.ServerOptions;
  private readonly tls: PeerTlsSettings | null;
  private listener: TlsGrpcListener | null = null;
  private readonly refusalLog = new RateLimiter(REFUSAL_LOG_INTERVAL_MS);
  private readonly streamMetadata: grpc.Metadata;
  private readonly rejected: PeerRejections;
  /** The wire form of the latest metadata sample, rebuilt only when the sample changes. */
  private wireMetadataSource: NodeMetadata | null = null;
  private wireMetadata: WireNodeMetadata | null = null;

  private handler: InboundHandler | undefined;
  private server: grpc.Server | undefined;
  private port: number | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: GrpcTransportOptions) {
    this.self = options.self;
    this.clusterId = options.clusterId;
    this.listenAddress = options.listenAddress;
    this.log = options.logger;
    this.localMetadata = options.localMetadata;
    this.backoff = options.reconnectBackoff ?? DEFAULT_BACKOFF;
    this.tls = options.tls ?? null;
    this.rejected = new PeerRejections(this.log);
    this.channelOptions = {
      'grpc.keepalive_time_ms': 2 * options.livenessTimeoutMs,
      'grpc.keepalive_timeout_ms': options.livenessTimeoutMs,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': this.backoff.initialMs,
      'grpc.min_reconnect_backoff_ms': this.backoff.initialMs,
      'grpc.max_reconnect_backoff_ms': this.backoff.maxMs,
      // Each link its own connection, so that replacing one channel really redials at once.
      'grpc.use_local_subchannel_pool': 1,
      // A stream is never retried by gRPC: the link re-opens it, and retries would buffer every message.
      'grpc.enable_retries': 0,
      'grpc.max_receive_message_length': MAX_ENVELOPE_BYTES,
      'grpc.max_send_message_length': MAX_ENVELOPE_BYTES,
    };
    this.serverOptions = {
      'grpc.max_concurrent_streams': MAX_STREAMS_PER_CONNECTION,
      'grpc.max_receive_message_length': MAX_ENVELOPE_BYTES,
      'grpc.max_send_message_length': MAX_ENVELOPE_BYTES,
      interceptors: [(_method: grpc.ServerMethodDefinition<unknown, unknown>, call: grpc.ServerInterceptingCallInterface) => this.countOversized(call)],
    };
    // Wait for the channel to connect instead of failing at once while the peer is down.
    this.streamMetadata = new grpc.Metadata({ waitForReady: true });
    this.streamMetadata.set(LINK_FROM_KEY, this.self);
    this.streamMetadata.set(LINK_CLUSTER_KEY, this.clusterId);

    const peerIds = new Set<NodeId>();
    for (const [id, address] of options.peers) {
      if (id === this.self) continue;
      peerIds.add(id);
      this.links.set(id, {
        id,
        address,
        client: this.newClient(id, address),
        call: null,
        open: false,
        failedAttempts: 0,
        retry: null,
        replacedAtMs: -Infinity,
        replyExpectation: { clusterId: this.clusterId, self: this.self, peers: new Set([id]) },
      });
    }
    this.inboundExpectation = { clusterId: this.clusterId, self: this.self, peers: peerIds };
  }

  /** The port the server is bound to, once `start()` has resolved. */
  get boundPort(): number | undefined {
    return this.port;
  }

  async start(handler: InboundHandler): Promise<void> {
    if (this.closed) throw new Error('GrpcTransport: start() after close()');
    if (this.server !== undefined) throw new Error('GrpcTransport: start() called twice');
    this.handler = handler;
    const server = new grpc.Server(this.serverOptions);
    server.register<Buffer, WireEnvelope>(
      PEER_LINK_PATH,
      (call: grpc.ServerDuplexStream<Buffer, WireEnvelope>) => this.onLink(call),
      envelopeBytes,
      passBytes,
      'bidi',
    );
    this.server = server;
    try {
      this.port = await (this.tls === null ? bindPlaintext(server, this.listenAddress) : this.bindTls(server, this.tls));
    } catch (error) {
      server.forceShutdown();
      this.listener?.close();
      this.listener = null;
      this.server = undefined;
      this.handler = undefined;
      throw new Error(`cannot listen on ${this.listenAddress}: ${errorMessage(error)}`, { cause: error });
    }
    if (this.closed) {
      // close() ran while binding; it has already shut this server down.
      throw new Error('GrpcTransport: closed while starting');
    }
    this.log.info({ address: this.listenAddress, port: this.port, tls: this.tls !== null }, 'peer transport listening');
    for (const link of this.links.values()) this.openStream(link);
  }

  /** Serves from a TLS server of our own (see TlsGrpcListener), so that refused handshakes are counted and logged too. */
  private async bindTls(server: grpc.Server, tls: PeerTlsSettings): Promise<number> {
    const address = parseHostPort(this.listenAddress);
    if (!address.ok) throw new Error(address.problem);
    const listener = new TlsGrpcListener(server, {
      tls: tls.source,
      minVersion: tls.minVersion,
      requestClientCertificate: true,
      onHandshakeFailure: (peer, problem) => this.rejected.record('tls-handshake-failed', { peer, code: grpc.status.UNAUTHENTICATED, reason: problem }),
    });
    this.listener = listener;
    const started = await listener.listen(address.address.host, address.address.port);
    if (!started.ok) throw new Error(started.message);
    return started.port;
  }

  /** Peers whose stream from this node is open now. */
  connectedPeers(): NodeId[] {
    return [...this.links.values()].filter((link) => link.open).map((link) => link.id);
  }

  /** Inbound messages and streams refused so far, by reason (zeros included). */
  rejections(): ReadonlyMap<PeerRejectionReason, number> {
    return this.rejected.totals();
  }

  send(to: NodeId, message: PeerMessage): void {
    if (this.closed) return;
    const link = this.links.get(to);
    if (link === undefined) {
      this.log.warn({ to, kind: message.kind }, 'dropping message to unknown peer');
      return;
    }
    const call = link.call;
    // Best-effort: while the stream is down or the peer is not reading, the message is dropped.
    // A stream still connecting takes a few (the peer is being dialled and will read them soon);
    // one waiting out a long outage keeps no more than those few, stale by the time they arrive.
    if (call === null || call.writableLength >= (link.open ? MAX_UNFLUSHED_WRITES : MAX_WRITES_WHILE_CONNECTING)) return;
    call.write(this.encode(to, message));
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.retry !== null) clearTimeout(link.retry);
      link.call?.end();
      link.client.close();
    }
    for (const call of this.inbound.values()) call.end();
    this.inbound.clear();
    const server = this.server;
    if (server === undefined) return;
    await shutdownGrpcServer(server, SHUTDOWN_GRACE_MS);
    this.listener?.close();
    this.handler = undefined;
  }

  // ---- outbound: one stream per peer ---------------------------------------------------------

  private newClient(peer: NodeId, address: string): grpc.Client {
    if (this.tls === null) return new grpc.Client(address, grpc.credentials.createInsecure(), this.channelOptions);
    const secure = peerChannel(address, this.tls.source, nodeIdentityUri(this.clusterId, peer));
    const client = new grpc.Client(address, secure.credentials, { ...this.channelOptions, ...secure.options });
    this.diagnoseFailedConnections(peer, address, client);
    return client;
  }

  /**
   * A Link stream waits for its channel to connect, so it never ends with the reason a TLS
   * connection fails (the peer's certificate is another CA's, expired, or names another member).
   * Each time the channel fails to connect, a probe call that does not wait fetches that reason,
   * which `logRefusal` logs at a bounded rate. The probe names a method the peer does not serve,
   * so should it connect after all it costs the peer nothing but an UNIMPLEMENTED answer.
   */
  private diagnoseFailedConnections(peer: NodeId, address: string, client: grpc.Client): void {
    const channel = client.getChannel();
    const watch = (state: grpc.connectivityState): void => {
      if (state === grpc.connectivityState.SHUTDOWN || this.closed) return;
      channel.watchConnectivityState(state, Infinity, () => {
        const now = channel.getConnectivityState(false);
        if (now === grpc.connectivityState.TRANSIENT_FAILURE && !this.closed) {
          client.makeUnaryRequest(PEER_PROBE_PATH, passBytes, passBytes, Buffer.alloc(0), { deadline: Date.now() + PROBE_DEADLINE_MS }, (error) => {
            if (error !== null && error.code === grpc.status.UNAVAILABLE) this.logRefusal(peer, address, error);
          });
        }
        watch(now);
      });
    };
    watch(channel.getConnectivityState(false));
  }

  /**
   * Opens the stream to `link`'s peer. It waits for the channel to connect (the channel redials a
   * peer that is down with its own capped, jittered backoff) and counts as open once the peer's
   * server has accepted it.
   */
  private openStream(link: PeerLink): void {
    link.retry = null;
    if (this.closed) return;
    const call = link.client.makeBidiStreamRequest<WireEnvelope, Buffer>(PEER_LINK_PATH, envelopeBytes, passBytes, this.streamMetadata);
    link.call = call;
    link.open = false;
    call.on('metadata', () => {
      if (link.call !== call) return;
      link.open = true;
      link.failedAttempts = 0;
    });
    call.on('data', (bytes: Buffer) => this.onReply(link, bytes));
    // Errors arrive as the status too; the listener only keeps an 'error' event from throwing.
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => this.onStreamEnded(link, call, status));
  }

  private onStreamEnded(link: PeerLink, call: grpc.ClientDuplexStream<WireEnvelope, Buffer>, status: grpc.StatusObject): void {
    if (link.call !== call) return;
    const wasOpen = link.open;
    link.call = null;
    link.open = false;
    if (this.closed) return;
    this.logRefusal(link.id, link.address, status);
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug({ to: link.id, address: link.address, code: status.code, details: status.details, wasOpen }, 'peer stream ended');
    }
    // A stream that was open broke with its connection (the peer stopped, keepalive gave up):
    // reopen at once and let the channel's backoff pace the redialling. A stream refused before
    // it opened (the peer rejects us) waits a jittered backoff of its own, so it never spins.
    if (wasOpen) {
      link.failedAttempts = 0;
      this.openStream(link);
      return;
    }
    link.failedAttempts++;
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (link.failedAttempts - 1));
    link.retry = setTimeout(() => this.openStream(link), ceiling * (0.8 + 0.4 * Math.random()));
  }

  /**
   * A peer that is down is routine (debug only); one that refuses this node's stream, or a TLS
   * handshake that fails, means a misconfiguration an operator must see: logged at warn, at most
   * once per `REFUSAL_LOG_INTERVAL_MS` per peer and kind, with how many were held back.
   */
  private logRefusal(peer: NodeId, address: string, status: Pick<grpc.StatusObject, 'code' | 'details'>): void {
    const refused =
      status.code === grpc.status.PERMISSION_DENIED || status.code === grpc.status.FAILED_PRECONDITION || status.code === grpc.status.INVALID_ARGUMENT;
    const tlsFailure = status.code === grpc.status.UNAVAILABLE && tlsProblem.test(status.details);
    if (!refused && !tlsFailure) return;
    const suppressed = this.refusalLog.allow(`${peer}:${status.code}`, performance.now());
    if (suppressed === null) return;
    const code = grpc.status[status.code] ?? String(status.code);
    this.log.warn(
      { event: 'peer-link-refused', to: peer, address, code, details: status.details, suppressed },
      `${refused ? `${peer} refuses this node's link` : `cannot reach ${peer} over TLS`}: ${code}: ${status.details}`,
    );
  }

  /**
   * The peer opened a stream to us, so it is up. If our stream to it is not open (it restarted,
   * and our channel is waiting out a reconnect backoff), dial it again now with a fresh channel.
   * At most once per `MIN_REDIAL_INTERVAL_MS`, so a caller claiming to be that peer cannot make us spin.
   */
  private peerIsUp(peer: NodeId): void {
    const link = this.links.get(peer);
    if (link === undefined || link.open || this.closed) return;
    const now = performance.now();
    if (now - link.replacedAtMs < MIN_REDIAL_INTERVAL_MS) return;
    link.replacedAtMs = now;
    if (link.retry !== null) clearTimeout(link.retry);
    const old = link.call;
    link.call = null;
    old?.cancel();
    link.client.close();
    link.client = this.newClient(link.id, link.address);
    link.failedAttempts = 0;
    this.openStream(link);
  }

  /** A reply from the peer on our stream to it: hand it to the inbound handler. */
  private onReply(link: PeerLink, bytes: Buffer): void {
    const handler = this.handler;
    if (this.closed || handler === undefined) return;
    const decoded = decodeEnvelopeBytes(bytes, link.replyExpectation);
    if (!decoded.ok) {
      this.rejected.record(decoded.rejection, { peer: link.address, code: decoded.code, reason: `reply from ${link.id}: ${decoded.reason}` });
      return;
    }
    let result: Promise<readonly PeerMessage[]>;
    try {
      result = handler(link.id, decoded.message, decoded.metadata);
    } catch (error) {
      this.handlerFailed(link.id, decoded.message, error);
      return;
    }
    // Anything the handler answers to a reply goes back to the peer as a normal send.
    result.then(
      (further) => {
        for (const next of further) this.send(link.id, next);
      },
      (error: unknown) => this.handlerFailed(link.id, decoded.message, error),
    );
  }

  // ---- inbound: the peers' streams to us ------------------------------------------------------

  private onLink(call: grpc.ServerDuplexStream<Buffer, WireEnvelope>): void {
    const handler = this.handler;
    if (this.closed || handler === undefined) {
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'node is shutting down' });
      return;
    }
    const [claimedCluster] = call.metadata.get(LINK_CLUSTER_KEY);
    const [claimedFrom] = call.metadata.get(LINK_FROM_KEY);
    if (this.listener !== null && !this.authenticated(this.listener, call, claimedFrom)) return;
    if (typeof claimedCluster !== 'string' || typeof claimedFrom !== 'string') {
      this.refuse(call, 'bad-stream-metadata', grpc.status.INVALID_ARGUMENT, `a Link stream must carry ${LINK_FROM_KEY} and ${LINK_CLUSTER_KEY} metadata`);
      return;
    }
    if (claimedCluster !== this.clusterId) {
      this.refuse(
        call,
        'wrong-cluster',
        grpc.status.FAILED_PRECONDITION,
        `stream for cluster ${claimedCluster.slice(0, 70)}, this is cluster ${this.clusterId}`,
        claimedFrom,
      );
      return;
    }
    if (!this.inboundExpectation.peers.has(claimedFrom as NodeId)) {
      this.refuse(call, 'unknown-sender', grpc.status.FAILED_PRECONDITION, `unknown sender ${claimedFrom.slice(0, 70)}`, claimedFrom);
      return;
    }
    const from = claimedFrom as NodeId;
    this.inbound.add(call);
    call.sendMetadata(new grpc.Metadata());
    let ended = false;
    const finish = (): void => {
      ended = true;
      this.inbound.delete(call);
    };
    call.on('data', (bytes: Buffer) => {
      if (ended) return;
      const decoded = decodeEnvelopeBytes(bytes, this.inboundExpectation);
      if (!decoded.ok) {
        finish();
        this.refuse(call, decoded.rejection, decoded.code, decoded.reason, from);
        return;
      }
      // The sender is fixed for the stream's whole life; every envelope must still name it.
      if (decoded.from !== from) {
        finish();
        this.refuse(call, 'sender-mismatch', grpc.status.FAILED_PRECONDITION, `envelope from ${decoded.from} on the stream of ${from}`, decoded.from);
        return;
      }
      this.dispatchInbound(handler, call, from, decoded.message, decoded.metadata, () => ended);
    });
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    this.peerIsUp(from);
  }

  /**
   * With TLS, a stream is heard only on a connection whose client certificate verified against
   * the peer CA and names the member the stream claims to come from; anything else is refused
   * with PERMISSION_DENIED before any other check, so that nothing unauthenticated is believed.
   */
  private authenticated(listener: TlsGrpcListener, call: grpc.ServerDuplexStream<Buffer, WireEnvelope>, claimedFrom: unknown): boolean {
    const claim = typeof claimedFrom === 'string' ? claimedFrom : undefined;
    const client = listener.clientCertificate(call);
    if (!client.trusted) {
      this.refuse(
        call,
        'untrusted-certificate',
        grpc.status.PERMISSION_DENIED,
        `peer links need a client certificate issued by this node's peer CA and valid now; ${client.problem}`,
        claim,
      );
      return false;
    }
    // A stream naming no sender is refused as such by the metadata checks.
    if (claim === undefined || certifiesNode(client.certificate.subjectaltname, this.clusterId, claim)) return true;
    const named = certifiedNodes(client.certificate.subjectaltname, this.clusterId);
    const claimed = `claims to come from ${claim.slice(0, 70)}`;
    const identity = named.length === 0 ? `names no member of cluster ${this.clusterId}` : `is ${named.join(', ')}'s`;
    this.refuse(
      call,
      'identity-mismatch',
      grpc.status.PERMISSION_DENIED,
      `the stream ${claimed} but its connection's certificate ${identity} (a member is the one its certificate names: ${nodeIdentityUri(this.clusterId, '<id>')})`,
      claim,
    );
    return false;
  }

  private dispatchInbound(
    handler: InboundHandler,
    call: grpc.ServerDuplexStream<Buffer, WireEnvelope>,
    from: NodeId,
    message: PeerMessage,
    metadata: NodeMetadata | null,
    isEnded: () => boolean,
  ): void {
    let result: Promise<readonly PeerMessage[]>;
    try {
      result = handler(from, message, metadata);
    } catch (error) {
      this.handlerFailed(from, message, error);
      return;
    }
    result.then(
      (replies) => {
        for (const reply of replies) {
          if (isEnded() || this.closed || call.writableLength >= MAX_UNFLUSHED_WRITES) return;
          call.write(this.encode(from, reply));
        }
      },
      (error: unknown) => this.handlerFailed(from, message, error),
    );
  }

  /** Ends an inbound stream with `code`, counting and (at a bounded rate) logging why. */
  private refuse(
    call: grpc.ServerDuplexStream<Buffer, WireEnvelope>,
    rejection: PeerRejectionReason,
    code: grpc.status,
    reason: string,
    claimedFrom?: string,
  ): void {
    this.rejected.record(rejection, { peer: call.getPeer(), code, reason, claimedFrom });
    call.emit('error', { code, details: reason });
  }

  /**
   * gRPC refuses a message over the size limit itself, before any handler sees it, by ending the
   * call with RESOURCE_EXHAUSTED from its innermost call object. This interceptor returns that
   * object itself with its `sendStatus` wrapped, so such refusals are counted like every other.
   */
  private countOversized(call: grpc.ServerInterceptingCallInterface): grpc.ServerInterceptingCall {
    const sendStatus = call.sendStatus.bind(call);
    let counted = false;
    call.sendStatus = (status) => {
      // gRPC may try again on each further frame of the same message; one call, one refusal.
      if (status.code === grpc.status.RESOURCE_EXHAUSTED && !counted) {
        counted = true;
        this.rejected.record('oversized', { peer: call.getPeer(), code: status.code, reason: status.details });
      }
      sendStatus(status);
    };
    // The type wants an interceptor object; the innermost call itself serves as one.
    return call as grpc.ServerInterceptingCall;
  }

  private encode(to: NodeId, message: PeerMessage): WireEnvelope {
    return encodeEnvelope(this.clusterId, this.self, to, message, carriesMetadata(message) ? this.currentWireMetadata() : null);
  }

  /** The sampler publishes a new load object once per interval; only then is the wire form rebuilt. */
  private currentWireMetadata(): WireNodeMetadata | null {
    const metadata = this.localMetadata?.() ?? null;
    if (metadata === null) return null;
    const cached = this.wireMetadataSource;
    if (cached === null || cached.load !== metadata.load || cached.incarnation !== metadata.incarnation || cached.version !== metadata.version) {
      this.wireMetadataSource = metadata;
      this.wireMetadata = encodeMetadata(metadata);
    }
    return this.wireMetadata;
  }

  private handlerFailed(from: NodeId, message: PeerMessage, error: unknown): void {
    this.log.warn({ from, kind: message.kind, err: errorMessage(error) }, 'handler failed on peer message');
  }
}
