import * as grpc from '@grpc/grpc-js';
import { clientChannel, type ClientTlsMaterial } from '../tls/tls-channel.ts';
import { getServiceConstructor, loadProto } from '../transport/proto-loader.ts';
import {
  decodeFaults,
  decodeHandoverTarget,
  decodeLeaderView,
  decodeLeaseState,
  decodeLeaseToken,
  decodeMembers,
  decodeNodeEvent,
  decodeStatus,
  type Decoded,
  type LeaderView,
  type LeaseState,
  type LeaseToken,
  type LinkFault,
  type MembersView,
  type NodeEvent,
  type NodeStatus,
} from './admin-responses.ts';
import type { LeaseState__Output } from '../generated/heartbeat/admin/v1/LeaseState.ts';
import type { NodeEvent__Output } from '../generated/heartbeat/admin/v1/NodeEvent.ts';
import { failureFromStatus, type CallFailure, type CallResult } from './call-failure.ts';

const ADMIN_SERVICE = 'heartbeat.admin.v1.Admin';

/**
 * `watch` retries a lost node every 500 ms; grpc-js's default reconnect backoff (1 s growing to
 * 2 min) would make most of those retries fail at once without trying to connect.
 */
const channelOptions: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 500,
  'grpc.min_reconnect_backoff_ms': 500,
  'grpc.max_reconnect_backoff_ms': 500,
};

export type PartitionDirection = 'inbound' | 'outbound' | 'both';

export interface WatchListener {
  event(event: NodeEvent): void;
  /** An event that could not be decoded; the stream goes on. */
  invalidEvent(problem: string): void;
  /** Called once when the stream ends for any reason but `cancel()`. */
  ended(failure: CallFailure): void;
}

export interface WatchStream {
  cancel(): void;
}

/** Where a WatchLease stream reports. */
export interface LeaseStateListener {
  state(state: LeaseState): void;
  /** Called once when the stream ends for any reason but `cancel()`, a message it could not decode included. */
  ended(failure: CallFailure): void;
}

export interface CallOptions {
  /** Aborting it cancels the call, which then fails as `rejected` with code CANCELLED. */
  readonly signal?: AbortSignal;
}

type AdminMethod = grpc.MethodDefinition<object, unknown>;

function adminService(): grpc.ServiceDefinition {
  return getServiceConstructor(loadProto('admin.proto'), ADMIN_SERVICE).service;
}

/** One node's Admin service over its own channel; every unary call has the same deadline. */
export class AdminClient {
  private readonly client: grpc.Client;
  private readonly service = adminService();

  /** `tls`: dial over TLS, trusting its CA and presenting its certificate if it has one; null or absent: plaintext. */
  constructor(
    endpoint: string,
    private readonly timeoutMs: number,
    tls: ClientTlsMaterial | null = null,
  ) {
    if (tls === null) {
      this.client = new grpc.Client(endpoint, grpc.credentials.createInsecure(), channelOptions);
    } else {
      const secure = clientChannel(endpoint, tls);
      this.client = new grpc.Client(endpoint, secure.credentials, { ...channelOptions, ...secure.options });
    }
  }

  status(options: CallOptions = {}): Promise<CallResult<NodeStatus>> {
    return this.unary('Status', {}, decodeStatus, options);
  }

  getLeader(options: CallOptions = {}): Promise<CallResult<LeaderView>> {
    return this.unary('GetLeader', {}, decodeLeaderView, options);
  }

  /**
   * The node's lease token, waiting up to `waitMs` for it to hold the lease (0: answer at once);
   * FAILED_PRECONDITION (`rejected`) if it does not. The call's deadline is the wait plus the
   * client's own.
   */
  waitForLease(waitMs: number, options: CallOptions = {}): Promise<CallResult<LeaseToken>> {
    return this.unary('WaitForLease', { timeoutMs: Math.round(waitMs) }, decodeLeaseToken, options, waitMs);
  }

  /** The node's view of every member: its phi-accrual state, and the metadata it last heard. */
  members(): Promise<CallResult<MembersView>> {
    return this.unary('Members', {}, decodeMembers);
  }

  /** Answers the node leadership was handed to, or null if the leader simply stepped down. */
  stepDown(): Promise<CallResult<string | null>> {
    return this.unary('StepDown', {}, decodeHandoverTarget);
  }

  /** A null target lets the leader pick its most responsive follower. */
  transferLeadership(target: string | null): Promise<CallResult<string | null>> {
    return this.unary('TransferLeadership', { target: target ?? '' }, decodeHandoverTarget);
  }

  partition(peers: readonly string[], direction: PartitionDirection): Promise<CallResult<readonly LinkFault[]>> {
    return this.unary('Partition', { peers, direction }, decodeFaults);
  }

  /** Empty `peers` heals every link. */
  heal(peers: readonly string[]): Promise<CallResult<readonly LinkFault[]>> {
    return this.unary('Heal', { peers }, decodeFaults);
  }

  setDelay(peers: readonly string[], delayMs: number, jitterMs: number): Promise<CallResult<readonly LinkFault[]>> {
    return this.unary('SetDelay', { peers, delayMs, jitterMs }, decodeFaults);
  }

  /** The stream has no deadline: it lasts until the node goes away or `cancel()`. */
  watch(listener: WatchListener): WatchStream {
    const method = this.method('Watch');
    const call = this.client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, {});
    let cancelled = false;
    call.on('data', (raw: NodeEvent__Output) => {
      const decoded = decodeNodeEvent(raw);
      if (decoded.ok) listener.event(decoded.value);
      else listener.invalidEvent(decoded.problem);
    });
    // Without an 'error' listener a failed stream would throw; 'status' below reports every ending.
    call.on('error', () => {});
    call.on('status', (status: grpc.StatusObject) => {
      if (cancelled) return;
      if (status.code === grpc.status.OK) listener.ended({ kind: 'unreachable', reason: 'the node ended the stream' });
      else listener.ended(failureFromStatus(status, this.timeoutMs));
    });
    return {
      cancel: () => {
        cancelled = true;
        call.cancel();
      },
    };
  }

  /** The lease state now, then each change, until the node goes away or `cancel()`. */
  watchLease(listener: LeaseStateListener): WatchStream {
    const method = this.method('WatchLease');
    const call = this.client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, {});
    let over = false;
    const end = (failure: CallFailure): void => {
      if (over) return;
      over = true;
      call.cancel();
      listener.ended(failure);
    };
    call.on('data', (raw: LeaseState__Output) => {
      if (over) return;
      const decoded = decodeLeaseState(raw);
      if (decoded.ok) listener.state(decoded.value);
      else end({ kind: 'invalid-response', problem: `WatchLease: ${decoded.problem}` });
    });
    call.on('error', () => {});
    call.on('status', (status: grpc.StatusObject) => {
      if (status.code === grpc.status.OK) end({ kind: 'unreachable', reason: 'the node ended the stream' });
      else end(failureFromStatus(status, this.timeoutMs));
    });
    return {
      cancel: () => {
        over = true;
        call.cancel();
      },
    };
  }

  close(): void {
    this.client.close();
  }

  /** `decode` takes the response's generated `__Output` type: proto-loader's options guarantee its shape. */
  private unary<Raw, T>(
    name: string,
    request: object,
    decode: (raw: Raw) => Decoded<T>,
    options: CallOptions = {},
    extraDeadlineMs = 0,
  ): Promise<CallResult<T>> {
    const method = this.method(name);
    const timeoutMs = this.timeoutMs + extraDeadlineMs;
    return new Promise((resolve) => {
      const call = this.client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        { deadline: Date.now() + timeoutMs },
        (error, response) => {
          options.signal?.removeEventListener('abort', cancel);
          if (error) {
            resolve({ ok: false, failure: failureFromStatus(error, timeoutMs) });
            return;
          }
          const decoded = decode(response as Raw);
          resolve(decoded.ok ? decoded : { ok: false, failure: { kind: 'invalid-response', problem: `${name}: ${decoded.problem}` } });
        },
      );
      const cancel = (): void => call.cancel();
      if (options.signal?.aborted === true) cancel();
      else options.signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  private method(name: string): AdminMethod {
    const method = this.service[name];
    if (method === undefined) throw new Error(`${ADMIN_SERVICE} has no ${name} method`);
    return method as AdminMethod;
  }
}
