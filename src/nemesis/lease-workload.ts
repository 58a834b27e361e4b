import { setTimeout as delay } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { TokenObservation } from '../history/history.ts';
import { LeaseClient } from '../harness/lease-client.ts';
import { hostMonotonicMs } from '../util/host-monotonic.ts';

export interface WorkloadCounts {
  readonly attempts: number;
  readonly tokens: number;
  /** Refused: the node asked does not hold the lease (FAILED_PRECONDITION) or the wait ran out. */
  readonly refused: number;
  /** No answer: the node is down, paused, cut off, or too slow. */
  readonly unanswered: number;
}

/**
 * A client that keeps asking for the lease the way an application does: it asks the node that
 * last handed it a token (WaitForLease, waiting up to `waitMs`), and when that node will not, the
 * node the refusal names as leader, else the next one. It works under each token for a moment
 * and asks again. Every token is recorded for the checker's fencing rule.
 */
export class LeaseWorkload {
  readonly tokens: TokenObservation[] = [];
  private readonly clients: Map<string, LeaseClient>;
  private running = true;
  private readonly loop: Promise<void>;
  private attempts = 0;
  private refused = 0;
  private unanswered = 0;

  constructor(
    endpoints: ReadonlyMap<string, string>,
    private readonly waitMs: number,
    private readonly workMs: number,
  ) {
    this.clients = new Map([...endpoints].map(([id, endpoint]) => [id, new LeaseClient(endpoint)]));
    this.loop = this.run();
  }

  counts(): WorkloadCounts {
    return { attempts: this.attempts, tokens: this.tokens.length, refused: this.refused, unanswered: this.unanswered };
  }

  async stop(): Promise<WorkloadCounts> {
    this.running = false;
    await this.loop;
    for (const client of this.clients.values()) client.close();
    return this.counts();
  }

  private async run(): Promise<void> {
    const ids = [...this.clients.keys()];
    let next = ids[0] ?? '';
    let turn = 0;
    while (this.running) {
      const client = this.clients.get(next);
      if (client === undefined) return;
      const sentAtMs = hostMonotonicMs();
      this.attempts += 1;
      const answer = await client.waitForLease(this.waitMs);
      const answeredAtMs = hostMonotonicMs();
      if (answer.ok) {
        this.tokens.push({ asked: next, sentAtMs, answeredAtMs, ...answer.token });
        await delay(Math.min(this.workMs, answer.token.validForMs));
        continue;
      }
      const refused = answer.code === status.FAILED_PRECONDITION;
      if (refused) this.refused += 1;
      else this.unanswered += 1;
      const named = /leader is (\S+?)[,;.)\s]/.exec(`${answer.details} `)?.[1];
      turn += 1;
      next = named !== undefined && this.clients.has(named) && named !== next ? named : (ids[turn % ids.length] ?? next);
      if (!refused) await delay(20);
    }
  }
}
