import type { Logger } from 'pino';
import { RateLimiter } from '../util/rate-limiter.ts';
import type { RejectionReason } from './peer-codec.ts';

/**
 * Why a peer stream was refused before it carried any envelope: its metadata named no member, or
 * gRPC itself ended it because a message was longer than the server reads at all (see
 * `grpc-transport.ts`), or the caller went away. With TLS: the connection's client certificate
 * did not verify (none, another CA's, expired, not yet valid), it names another member than the
 * stream claims, or the connection never completed a TLS handshake (a plaintext client).
 */
export type StreamRejectionReason =
  'bad-stream-metadata' | 'stream-aborted' | 'sender-mismatch' | 'too-many-streams' | 'untrusted-certificate' | 'identity-mismatch' | 'tls-handshake-failed';

export type PeerRejectionReason = RejectionReason | StreamRejectionReason;

export const peerRejectionReasons: readonly PeerRejectionReason[] = [
  'wrong-cluster',
  'unknown-sender',
  'wrong-receiver',
  'malformed',
  'term-out-of-range',
  'undecodable',
  'oversized',
  'bad-stream-metadata',
  'sender-mismatch',
  'stream-aborted',
  'too-many-streams',
  'untrusted-certificate',
  'identity-mismatch',
  'tls-handshake-failed',
];

/** What one rejection is logged with. */
export interface RejectionDetails {
  readonly peer: string;
  readonly code: number;
  readonly reason: string;
  /** The sender the envelope or stream claimed, if any; cut to a printable length. */
  readonly claimedFrom?: string | undefined;
}

/**
 * Counts refused inbound peer traffic by reason, and logs it at a bounded rate: at most one line
 * per reason per `intervalMs`, which says how many were suppressed since the previous line. A
 * flood of garbage costs a counter increment per message, not a log line (a synchronous write).
 */
export class PeerRejections {
  private readonly counts = new Map<PeerRejectionReason, number>();
  private readonly logLimit: RateLimiter;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
    intervalMs = 1000,
  ) {
    this.logLimit = new RateLimiter(intervalMs);
    for (const reason of peerRejectionReasons) this.counts.set(reason, 0);
  }

  record(rejection: PeerRejectionReason, details: RejectionDetails): void {
    this.counts.set(rejection, (this.counts.get(rejection) ?? 0) + 1);
    const suppressed = this.logLimit.allow(rejection, this.now());
    if (suppressed === null) return;
    this.log.warn(
      { event: 'peer-message-rejected', rejection, ...details, claimedFrom: details.claimedFrom?.slice(0, 70), suppressed },
      suppressed > 0 ? `rejected inbound peer traffic (${rejection}); ${suppressed} more since the last line` : `rejected inbound peer traffic (${rejection})`,
    );
  }

  /** Every reason with its count so far, zeros included. */
  totals(): ReadonlyMap<PeerRejectionReason, number> {
    return this.counts;
  }
}
