import * as grpc from '@grpc/grpc-js';

/** Why a call to a node did not produce an answer hbctl can use. */
export type CallFailure =
  /** No answer: nothing listening, connection lost, or the deadline passed. */
  | { readonly kind: 'unreachable'; readonly reason: string }
  /** The node answered with an error status, e.g. FAILED_PRECONDITION from a non-leader. */
  | { readonly kind: 'rejected'; readonly code: string; readonly details: string }
  /** The node answered with something that does not match admin.proto's documented meaning. */
  | { readonly kind: 'invalid-response'; readonly problem: string };

export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: CallFailure };

/** From a failed call's status: a unary call's error, or the final status of a stream. */
export function failureFromStatus(status: Pick<grpc.StatusObject, 'code' | 'details'>, timeoutMs: number): CallFailure {
  if (status.code === grpc.status.DEADLINE_EXCEEDED) return { kind: 'unreachable', reason: `no answer within ${timeoutMs} ms` };
  if (status.code === grpc.status.UNAVAILABLE) return { kind: 'unreachable', reason: connectionProblem(status.details) };
  return { kind: 'rejected', code: grpc.status[status.code] ?? `code ${status.code}`, details: status.details };
}

/** e.g. `unreachable: connect ECONNREFUSED 127.0.0.1:7501` or `FAILED_PRECONDITION: not the leader; the leader is n3`. */
export function describeCallFailure(failure: CallFailure): string {
  switch (failure.kind) {
    case 'unreachable':
      return `unreachable: ${failure.reason}`;
    case 'rejected':
      return `${failure.code}: ${failure.details}`;
    case 'invalid-response':
      return `invalid response: ${failure.problem}`;
  }
}

/**
 * grpc-js words a refused connection as "No connection established. Last error: Error: connect
 * ECONNREFUSED 127.0.0.1:7501. Resolution note: "; the socket error alone says it best.
 */
function connectionProblem(details: string): string {
  const lastError = /Last error: (?:Error: )?(.*?)\.?(?: Resolution note:.*)?$/s.exec(details)?.[1]?.trim();
  return lastError === undefined || lastError === '' ? details : lastError;
}
