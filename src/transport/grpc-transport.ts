import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ClusterId, NodeId } from '../core/ids.ts';
import type { PeerMessage } from '../core/messages.ts';
import {
  decodeEnvelope,
  encodeEnvelope,
  type EnvelopeExpectation,
  type WireEnvelope,
  type WireReplies,
} from './peer-codec.ts';
import { getServiceConstructor, loadProto } from './proto-loader.ts';
import { shutdownGrpcServer } from './shutdown-grpc-server.ts';
import type { NodeMetadata } from '../health/node-metadata.ts';
import { carriesMetadata, type InboundHandler, type Transport } from './transport.ts';

export interface GrpcTransportOptions {
  readonly self: NodeId;
  readonly clusterId: ClusterId;
  /** `host:port` to serve on. Port 0 picks a free port; read it from `boundPort` after `start()`. */
  readonly listenAddress: string;
  /** Every other node of the cluster and its `host:port`. An entry for `self` is ignored. */
  readonly peers: ReadonlyMap<NodeId, string>;
  readonly logger: Logger;
  /** Deadline of each outbound Deliver call. */
  readonly callDeadlineMs: number;
  /** Reconnect backoff of the peer channels; defaults to 50 ms initial, capped at 1000 ms. */
  readonly reconnectBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** This node's metadata, piggybacked on its heartbeats and acks. */
  readonly localMetadata?: () => NodeMetadata;
}

const PEER_SERVICE = 'heartbeat.peer.v1.Peer';
const DEFAULT_BACKOFF = { initialMs: 50, maxMs: 1000 } as const;
/** How long `close()` lets in-flight inbound calls finish before cutting them off. */
const SHUTDOWN_GRACE_MS = 500;

type DeliverMethod = grpc.MethodDefinition<WireEnvelope, unknown>;

interface PeerLink {
  readonly id: NodeId;
  readonly address: string;
  readonly client: grpc.Client;
  /** Replies from this peer must come from it and be addressed to us. */
  readonly replyExpectation: EnvelopeExpectation;
  /** Bound once so that each send does not allocate a callback closure for it. */
  readonly onResponse: (error: grpc.ServiceError | null, response?: unknown) => void;
}

function peerService(): grpc.ServiceClientConstructor {
  return getServiceConstructor(loadProto('peer.proto'), PEER_SERVICE);
}

function deliverMethod(service: grpc.ServiceClientConstructor): DeliverMethod {
  const method = service.service['Deliver'];
  if (method === undefined) throw new Error(`${PEER_SERVICE} has no Deliver method`);
  return method as DeliverMethod;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Transport over gRPC: each node serves `heartbeat.peer.v1.Peer/Deliver` and keeps one
 * persistent channel per peer. A Deliver call carries one message; its response carries the
 * receiver's replies, which are handed to the same inbound handler as any other message.
 */
export class GrpcTransport implements Transport {
  private readonly self: NodeId;
  private readonly clusterId: ClusterId;
  private readonly listenAddress: string;
  private readonly log: Logger;
  private readonly callDeadlineMs: number;
  private readonly method: DeliverMethod;
  private readonly service: grpc.ServiceDefinition;
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly inboundExpectation: EnvelopeExpectation;
  private readonly localMetadata: (() => NodeMetadata) | undefined;

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
    this.callDeadlineMs = options.callDeadlineMs;
    this.localMetadata = options.localMetadata;
    const service = peerService();
    this.service = service.service;
    this.method = deliverMethod(service);

    const backoff = options.reconnectBackoff ?? DEFAULT_BACKOFF;
    const channelOptions: grpc.ChannelOptions = {
      'grpc.initial_reconnect_backoff_ms': backoff.initialMs,
      'grpc.min_reconnect_backoff_ms': backoff.initialMs,
      'grpc.max_reconnect_backoff_ms': backoff.maxMs,
    };
    const credentials = grpc.credentials.createInsecure();
    const peerIds = new Set<NodeId>();
    for (const [id, address] of options.peers) {
      if (id === this.self) continue;
      peerIds.add(id);
      const link: PeerLink = {
        id,
        address,
        client: new grpc.Client(address, credentials, channelOptions),
        replyExpectation: { clusterId: this.clusterId, self: this.self, peers: new Set([id]) },
        onResponse: (error, response) => this.onResponse(link, error, response),
      };
      this.links.set(id, link);
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
    const server = new grpc.Server();
    server.addService(this.service, {
      Deliver: (call: grpc.ServerUnaryCall<unknown, WireReplies>, callback: grpc.sendUnaryData<WireReplies>) =>
        this.onDeliver(call, callback),
    });
    this.server = server;
    try {
      this.port = await new Promise<number>((resolve, reject) => {
        server.bindAsync(this.listenAddress, grpc.ServerCredentials.createInsecure(), (error, port) =>
          error ? reject(error) : resolve(port),
        );
      });
    } catch (error) {
      server.forceShutdown();
      this.server = undefined;
      this.handler = undefined;
      throw new Error(`cannot listen on ${this.listenAddress}: ${errorMessage(error)}`, { cause: error });
    }
    if (this.closed) {
      // close() ran while binding; it has already shut this server down.
      throw new Error('GrpcTransport: closed while starting');
    }
    this.log.info({ address: this.listenAddress, port: this.port }, 'peer transport listening');
    for (const link of this.links.values()) this.keepConnected(link);
  }

  /** Peers whose channel is connected and ready for a call now. */
  connectedPeers(): NodeId[] {
    return [...this.links.values()]
      .filter((link) => link.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY)
      .map((link) => link.id);
  }

  send(to: NodeId, message: PeerMessage): void {
    if (this.closed) return;
    const link = this.links.get(to);
    if (link === undefined) {
      this.log.warn({ to, kind: message.kind }, 'dropping message to unknown peer');
      return;
    }
    const envelope = this.encode(to, message);
    try {
      link.client.makeUnaryRequest(
        this.method.path,
        this.method.requestSerialize,
        this.method.responseDeserialize,
        envelope,
        { deadline: Date.now() + this.callDeadlineMs },
        link.onResponse,
      );
    } catch (error) {
      // Only possible if the client was closed concurrently; delivery is best-effort anyway.
      if (this.log.isLevelEnabled('debug')) {
        this.log.debug({ to, kind: message.kind, err: errorMessage(error) }, 'send failed');
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.closed = true;
    for (const link of this.links.values()) link.client.close();
    const server = this.server;
    if (server === undefined) return;
    await shutdownGrpcServer(server, SHUTDOWN_GRACE_MS);
    this.handler = undefined;
  }

  /**
   * Connects the channel to `link` at once and again whenever it falls idle. A follower would
   * otherwise open its channels to the other followers only when it first campaigns, and their
   * TCP and HTTP/2 handshakes would lengthen every failover and hand-off. A channel to a peer that
   * is down retries with the reconnect backoff.
   */
  private keepConnected(link: PeerLink): void {
    if (this.closed) return;
    const channel = link.client.getChannel();
    const state = channel.getConnectivityState(true);
    if (state === grpc.connectivityState.SHUTDOWN) return;
    channel.watchConnectivityState(state, Infinity, () => this.keepConnected(link));
  }

  /** Outbound call completed: hand the peer's replies to the inbound handler. */
  private onResponse(link: PeerLink, error: grpc.ServiceError | null, response: unknown): void {
    if (error) {
      // Unreachable or slow peers are routine while nodes fail and restart.
      if (this.log.isLevelEnabled('debug')) {
        this.log.debug({ to: link.id, address: link.address, code: error.code, details: error.details }, 'deliver failed');
      }
      return;
    }
    const handler = this.handler;
    if (this.closed || handler === undefined) return;
    const envelopes = (response as Partial<WireReplies> | null | undefined)?.envelopes;
    if (!Array.isArray(envelopes)) {
      this.log.warn({ peer: link.id }, 'malformed Replies from peer');
      return;
    }
    for (const raw of envelopes as unknown[]) {
      const decoded = decodeEnvelope(raw, link.replyExpectation);
      if (!decoded.ok) {
        this.log.warn({ from: link.id, code: decoded.code, reason: decoded.reason }, 'rejected reply from peer');
        continue;
      }
      this.dispatchReply(handler, link.id, decoded.message, decoded.metadata);
    }
  }

  /** Handles one reply; anything the handler answers with goes back to the peer as a normal send. */
  private dispatchReply(handler: InboundHandler, from: NodeId, message: PeerMessage, metadata: NodeMetadata | null): void {
    let result: Promise<readonly PeerMessage[]>;
    try {
      result = handler(from, message, metadata);
    } catch (error) {
      this.log.warn({ from, kind: message.kind, err: errorMessage(error) }, 'handler failed on reply');
      return;
    }
    result.then(
      (further) => {
        for (const next of further) this.send(from, next);
      },
      (error: unknown) => {
        this.log.warn({ from, kind: message.kind, err: errorMessage(error) }, 'handler failed on reply');
      },
    );
  }

  /** Server side of Deliver: validate, hand to the handler, answer with its replies. */
  private onDeliver(call: grpc.ServerUnaryCall<unknown, WireReplies>, callback: grpc.sendUnaryData<WireReplies>): void {
    const handler = this.handler;
    if (this.closed || handler === undefined) {
      callback({ code: grpc.status.UNAVAILABLE, details: 'node is shutting down' });
      return;
    }
    const decoded = decodeEnvelope(call.request, this.inboundExpectation);
    if (!decoded.ok) {
      const rawFrom = (call.request as { from?: unknown } | null)?.from;
      this.log.warn(
        {
          from: typeof rawFrom === 'string' ? rawFrom.slice(0, 70) : undefined,
          peer: call.getPeer(),
          code: decoded.code,
          reason: decoded.reason,
        },
        'rejected inbound message',
      );
      callback({ code: decoded.code, details: decoded.reason });
      return;
    }
    const { from, message, metadata } = decoded;
    let result: Promise<readonly PeerMessage[]>;
    try {
      result = handler(from, message, metadata);
    } catch (error) {
      this.failInbound(callback, from, message, error);
      return;
    }
    result.then(
      (replies) => {
        const envelopes = replies.map((reply) => this.encode(from, reply));
        callback(null, { envelopes });
      },
      (error: unknown) => this.failInbound(callback, from, message, error),
    );
  }

  private encode(to: NodeId, message: PeerMessage): WireEnvelope {
    const metadata = this.localMetadata && carriesMetadata(message) ? this.localMetadata() : null;
    return encodeEnvelope(this.clusterId, this.self, to, message, metadata);
  }

  private failInbound(callback: grpc.sendUnaryData<WireReplies>, from: NodeId, message: PeerMessage, error: unknown): void {
    const code = this.closed ? grpc.status.UNAVAILABLE : grpc.status.INTERNAL;
    this.log.warn({ from, kind: message.kind, err: errorMessage(error) }, 'handler failed on inbound message');
    callback({ code, details: this.closed ? 'node is shutting down' : `handler failed: ${errorMessage(error)}` });
  }
}
