import * as grpc from '@grpc/grpc-js';
import { getServiceConstructor, loadProto } from '../../src/transport/proto-loader.ts';

/** A canned gRPC error for a fake to answer with. */
export class CannedError {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {}
}

type UnaryMethod = 'Status' | 'GetLeader' | 'StepDown' | 'TransferLeadership' | 'Partition' | 'Heal' | 'SetDelay' | 'Members' | 'WaitForLease';
const unaryMethods: readonly UnaryMethod[] = [
  'Status',
  'GetLeader',
  'StepDown',
  'TransferLeadership',
  'Partition',
  'Heal',
  'SetDelay',
  'Members',
  'WaitForLease',
];

/** A reply, or a function of the request giving one (maybe later, to hold the call). */
export type FakeReply = object | CannedError | ((request: unknown) => object | CannedError | Promise<object | CannedError>);

/**
 * What a fake answers, in proto-loader's form (camelCase fields; missing fields take their
 * defaults). An unlisted method answers UNIMPLEMENTED.
 */
export interface FakeAdminReplies {
  readonly unary?: Partial<Record<UnaryMethod, FakeReply>>;
  /** Written to every Watch stream as soon as it opens. */
  readonly watchEvents?: readonly object[];
  /** End each Watch stream after its events (default: keep it open until the client cancels). */
  readonly endWatch?: boolean;
  /** Written to every WatchLease stream as soon as it opens; it stays open. */
  readonly leaseStates?: readonly object[];
}

export interface RecordedCall {
  readonly method: string;
  readonly request: unknown;
}

export interface FakeAdminServer {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** Every call received, in order. */
  readonly calls: RecordedCall[];
  /** Writes to every open Watch stream. */
  writeEvent(event: object): void;
  /** Writes to every open WatchLease stream. */
  writeLeaseState(state: object): void;
  /** Ends every open Watch and WatchLease stream with this status. */
  endStreams(code: grpc.status, details: string): void;
  close(): void;
}

/** An in-test Admin server (admin.proto) on 127.0.0.1 with canned replies; port 0 picks a free one. */
export async function startFakeAdminServer(replies: FakeAdminReplies, port = 0): Promise<FakeAdminServer> {
  const service = getServiceConstructor(loadProto('admin.proto'), 'heartbeat.admin.v1.Admin').service;
  const calls: RecordedCall[] = [];
  const unary =
    (method: UnaryMethod) =>
    (call: grpc.ServerUnaryCall<unknown, object>, callback: grpc.sendUnaryData<object>): void => {
      calls.push({ method, request: call.request });
      const given = replies.unary?.[method];
      if (given === undefined) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `fake has no ${method} reply` });
        return;
      }
      void Promise.resolve(typeof given === 'function' ? given(call.request) : given).then((reply) => {
        if (reply instanceof CannedError) callback({ code: reply.code, details: reply.details });
        else callback(null, reply);
      });
    };
  const streams = new Set<grpc.ServerWritableStream<unknown, object>>();
  const leaseStreams = new Set<grpc.ServerWritableStream<unknown, object>>();
  const server = new grpc.Server();
  server.addService(service, {
    ...Object.fromEntries(unaryMethods.map((method) => [method, unary(method)])),
    WatchLease: (call: grpc.ServerWritableStream<unknown, object>) => {
      calls.push({ method: 'WatchLease', request: call.request });
      leaseStreams.add(call);
      call.on('cancelled', () => leaseStreams.delete(call));
      for (const state of replies.leaseStates ?? []) call.write(state);
    },
    Watch: (call: grpc.ServerWritableStream<unknown, object>) => {
      calls.push({ method: 'Watch', request: call.request });
      streams.add(call);
      call.on('cancelled', () => streams.delete(call));
      for (const event of replies.watchEvents ?? []) call.write(event);
      if (replies.endWatch === true) {
        streams.delete(call);
        call.end();
      }
    },
  });
  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${boundPort}`,
    calls,
    writeEvent: (event) => {
      for (const stream of streams) stream.write(event);
    },
    writeLeaseState: (state) => {
      for (const stream of leaseStreams) stream.write(state);
    },
    endStreams: (code, details) => {
      for (const stream of [...streams, ...leaseStreams]) stream.emit('error', { code, details });
      streams.clear();
      leaseStreams.clear();
    },
    close: () => server.forceShutdown(),
  };
}
