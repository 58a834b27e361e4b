import * as grpc from '@grpc/grpc-js';
import { getServiceConstructor, loadProto } from '../transport/proto-loader.ts';

/** A lease token as WaitForLease hands it out: the term is the fencing token. */
export interface LeaseToken {
  readonly leaderId: string;
  readonly term: number;
  readonly validForMs: number;
}

export type WaitForLeaseResult =
  | { readonly ok: true; readonly token: LeaseToken }
  /** `FAILED_PRECONDITION` from a node that does not hold the lease, or the call failed (unreachable, deadline). */
  | { readonly ok: false; readonly code: grpc.status; readonly details: string };

/**
 * The admin WaitForLease call, as an application asks it: "give me the lease token as soon as
 * you hold the lease, or tell me you do not". One channel per node; close it when done.
 */
export class LeaseClient {
  private readonly client: grpc.Client;
  private readonly method: grpc.MethodDefinition<object, unknown>;

  constructor(endpoint: string) {
    const service = getServiceConstructor(loadProto('admin.proto'), 'heartbeat.admin.v1.Admin').service;
    const method = service.WaitForLease;
    if (method === undefined) throw new Error('admin.proto has no WaitForLease');
    this.method = method as grpc.MethodDefinition<object, unknown>;
    this.client = new grpc.Client(endpoint, grpc.credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 500,
    });
  }

  waitForLease(timeoutMs: number, deadlineMs: number = timeoutMs + 2000): Promise<WaitForLeaseResult> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        this.method.path,
        this.method.requestSerialize,
        this.method.responseDeserialize,
        { timeoutMs },
        { deadline: Date.now() + deadlineMs },
        (error, response) => {
          if (error) {
            resolve({ ok: false, code: error.code, details: error.details });
            return;
          }
          const raw = response as { leaderId?: unknown; term?: unknown; validForMs?: unknown };
          const term = Number(raw.term);
          if (typeof raw.leaderId !== 'string' || !Number.isSafeInteger(term) || typeof raw.validForMs !== 'number') {
            resolve({ ok: false, code: grpc.status.INTERNAL, details: `a token that does not decode: ${JSON.stringify(raw)}` });
            return;
          }
          resolve({ ok: true, token: { leaderId: raw.leaderId, term, validForMs: raw.validForMs } });
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
