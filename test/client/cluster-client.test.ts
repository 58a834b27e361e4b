import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../src/client/cluster-client.ts';
import { LeaseEndedError, type Lease } from '../../src/client/lease.ts';
import { CannedError, startFakeAdminServer, type FakeAdminReplies, type FakeAdminServer } from '../support/fake-admin-server.ts';
import { VirtualClock } from '../support/virtual-clock.ts';
import { waitFor } from '../support/wait-for.ts';

const timing = { heartbeatMs: 50, electionTimeoutMs: 500, electionJitterMs: 50, maxClockDrift: 0.05 };
const leaderN1 = { id: 'n1', leaderId: 'n1', term: '7', holdsLease: true, leaseRemainingMs: 400 };
const statusN1 = { id: 'n1', role: 'leader', term: '7', leaderId: 'n1', timing };
const tokenN1 = { leaderId: 'n1', term: '7', validForMs: 400 };
const holdingN1 = { node: 'n1', holdsLease: true, term: '7', leaseRemainingMs: 400 };
const unavailable = new CannedError(grpc.status.UNAVAILABLE, 'down for the test');
const notHolder = new CannedError(grpc.status.FAILED_PRECONDITION, 'this node does not hold the lease; the leader is n2');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function fake(replies: FakeAdminReplies): Promise<FakeAdminServer> {
  const server = await startFakeAdminServer(replies);
  cleanups.push(() => server.close());
  return server;
}

/** A client on a virtual clock whose jitter is always half way, so each delay is known. */
function clientOf(servers: readonly FakeAdminServer[], clock: VirtualClock): ClusterClient {
  const client = new ClusterClient(
    servers.map((server) => ({ endpoint: server.address, id: null, pid: null })),
    { clock, random: () => 0.5, callTimeoutMs: 5_000 },
  );
  cleanups.push(() => client.close());
  return client;
}

function callsOf(server: FakeAdminServer, method: string): number {
  return server.calls.filter((call) => call.method === method).length;
}

/** Waits (in real time, for the fake's answers) until the client has scheduled a timer, and answers its delay. */
async function nextDelay(clock: VirtualClock, count: number): Promise<number> {
  await waitFor(() => clock.scheduled.length >= count, 10_000, `timer ${count}`);
  return clock.scheduled[count - 1] as number;
}

function endReason(lease: Lease): string | null {
  const reason: unknown = lease.signal.reason;
  return reason instanceof LeaseEndedError ? reason.reason : null;
}

describe('ClusterClient retries', () => {
  it('retries with capped, jittered exponential backoff while no node answers, and stops at once when aborted', async () => {
    const down = await fake({ unary: { GetLeader: unavailable, Status: unavailable } });
    const clock = new VirtualClock();
    const client = clientOf([down], clock);
    const abort = new AbortController();
    const acquiring = client.acquireLease({ signal: abort.signal });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      delays.push(await nextDelay(clock, attempt));
      expect(callsOf(down, 'GetLeader')).toBe(attempt);
      await clock.advance(delays.at(-1) as number);
    }
    // From [d/2, d] with d = min(2000, 50 × 2^n); the jitter here is always half way.
    expect(delays).toEqual([37.5, 75, 150, 300, 600, 1200, 1500, 1500]);

    await nextDelay(clock, 9);
    const calls = down.calls.length;
    abort.abort(new Error('no longer wanted'));
    await expect(acquiring).rejects.toThrow('no longer wanted');
    await clock.advance(10_000);
    expect(down.calls.length).toBe(calls);
  });

  it('cancels a WaitForLease in flight when aborted, without waiting for the node', async () => {
    let waits = 0;
    const node = await fake({
      unary: {
        GetLeader: { ...leaderN1, holdsLease: false },
        Status: statusN1,
        WaitForLease: () => {
          waits += 1;
          return new Promise<object>(() => undefined);
        },
      },
    });
    const clock = new VirtualClock();
    const abort = new AbortController();
    const acquiring = clientOf([node], clock).acquireLease({ signal: abort.signal });
    await waitFor(() => waits === 1, 10_000, 'the WaitForLease call');
    abort.abort(new Error('gave up'));
    await expect(acquiring).rejects.toThrow('gave up');
    expect(waits).toBe(1);
  });

  it('follows the leader through a transfer: a node that lost leadership meanwhile is left for the new one', async () => {
    let leader = 'n2';
    const statusOf = (id: string) => () => ({ id, role: id === leader ? 'leader' : 'follower', term: leader === 'n2' ? '4' : '5', leaderId: leader, timing });
    const n2 = await fake({
      unary: {
        Status: statusOf('n2'),
        TransferLeadership: () => {
          leader = 'n3';
          return new CannedError(grpc.status.FAILED_PRECONDITION, 'not the leader; the leader is n3');
        },
      },
    });
    const n3 = await fake({ unary: { Status: statusOf('n3'), TransferLeadership: { target: 'n1' } } });
    const clock = new VirtualClock();
    const transfer = clientOf([n2, n3], clock).transfer({ to: 'n1' });
    expect(await nextDelay(clock, 1)).toBe(37.5);
    await clock.advance(37.5);
    expect(await transfer).toEqual({ ok: true, value: { from: 'n3', to: 'n1' } });
    expect([callsOf(n2, 'TransferLeadership'), callsOf(n3, 'TransferLeadership')]).toEqual([1, 1]);
  });
});

describe('ClusterClient leases, in virtual time', () => {
  async function holder(extra: Partial<NonNullable<FakeAdminReplies['unary']>> = {}): Promise<{ server: FakeAdminServer; replies: Record<string, unknown> }> {
    const replies: Record<string, unknown> = { GetLeader: leaderN1, Status: statusN1, WaitForLease: tokenN1, ...extra };
    const server = await fake({ unary: replies, leaseStates: [holdingN1] });
    return { server, replies };
  }

  it('ends the lease at the question time + validForMs × (1 − drift) − margin: the round trip is not counted in', async () => {
    let answer: (() => void) | null = null;
    const { server, replies } = await holder({
      WaitForLease: () => new Promise<object>((resolve) => (answer = () => resolve(tokenN1))),
    });
    const clock = new VirtualClock();
    const acquiring = clientOf([server], clock).acquireLease({ marginMs: 10, renewEveryMs: 100 });
    await waitFor(() => answer !== null, 10_000, 'the WaitForLease call');
    // The answer takes 50 ms to come back: 380 ms from the question is 330 from the answer.
    await clock.advance(50);
    replies['WaitForLease'] = unavailable;
    (answer as unknown as () => void)();
    const lease = await acquiring;
    expect(lease).toMatchObject({ term: 7, holder: 'n1', validForMs: 320 });

    await clock.advance(369 - 50);
    expect(lease.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(lease.signal.aborted).toBe(true);
    expect(endReason(lease)).toBe('expired');
  });

  it('extends the lease on a renewal in the same term, and never on one in another term', async () => {
    const { server, replies } = await holder();
    const clock = new VirtualClock();
    const lease = await clientOf([server], clock).acquireLease({ marginMs: 10, renewEveryMs: 100 });
    expect(lease.remainingMs()).toBe(370);
    await clock.advance(100);
    await waitFor(() => callsOf(server, 'WaitForLease') === 2 && clock.pending === 2, 10_000, 'the renewal');
    expect(lease.remainingMs()).toBe(370);

    replies['WaitForLease'] = { ...tokenN1, term: '8' };
    await clock.advance(100);
    await waitFor(() => lease.signal.aborted, 10_000, 'the lease to end');
    expect(endReason(lease)).toBe('lost');
    expect((lease.signal.reason as Error).message).toContain('term 8');
  });

  it('ends the lease when the node says it lost it, or the watch breaks, or the node refuses a renewal', async () => {
    const clock = new VirtualClock();
    const watched = await holder();
    const told = await clientOf([watched.server], clock).acquireLease();
    await waitFor(() => callsOf(watched.server, 'WatchLease') === 1, 10_000, 'the lease watch');
    watched.server.writeLeaseState({ ...holdingN1, holdsLease: false, leaseRemainingMs: 0 });
    await waitFor(() => told.signal.aborted, 10_000, 'the lease to end');
    expect(endReason(told)).toBe('lost');

    const cut = await holder();
    const disconnected = await clientOf([cut.server], clock).acquireLease();
    await waitFor(() => callsOf(cut.server, 'WatchLease') === 1, 10_000, 'the lease watch');
    cut.server.endStreams(grpc.status.UNAVAILABLE, 'gone');
    await waitFor(() => disconnected.signal.aborted, 10_000, 'the lease to end');
    expect(endReason(disconnected)).toBe('disconnected');

    const refusing = await holder();
    const refused = await clientOf([refusing.server], clock).acquireLease({ renewEveryMs: 100 });
    refusing.replies['WaitForLease'] = notHolder;
    await clock.advance(100);
    await waitFor(() => refused.signal.aborted, 10_000, 'the lease to end');
    expect(endReason(refused)).toBe('lost');
  });

  it('withLease runs the job under the lease and releases it only once the job has settled', async () => {
    const { server } = await holder();
    const clock = new VirtualClock();
    const client = clientOf([server], clock);
    let finishJob: (value: string) => void = () => undefined;
    let seen: { term: number; signal: AbortSignal } | null = null;
    const result = client.withLease(({ term, signal }) => {
      seen = { term, signal };
      return new Promise<string>((resolve) => (finishJob = resolve));
    });
    await waitFor(() => seen !== null, 10_000, 'the job to start');
    const scope = seen as unknown as { term: number; signal: AbortSignal };
    expect(scope.term).toBe(7);
    await clock.advance(100);
    expect(scope.signal.aborted).toBe(false);
    finishJob('done');
    expect(await result).toBe('done');
    expect(scope.signal.aborted).toBe(true);
    expect((scope.signal.reason as LeaseEndedError).reason).toBe('released');
    const renewals = callsOf(server, 'WaitForLease');
    await clock.advance(1_000);
    expect(callsOf(server, 'WaitForLease')).toBe(renewals);
  });
});

describe('ClusterClient.observeLeader', () => {
  it('yields the newest leader the nodes know first, then each later one once, in term order', async () => {
    let answerN2: (() => void) | null = null;
    const n1 = await fake({ unary: { GetLeader: { id: 'n1', leaderId: 'n1', term: '3' } } });
    const n2 = await fake({
      unary: {
        GetLeader: () =>
          new Promise<object>((resolve) => {
            answerN2 = () => resolve({ id: 'n2', leaderId: 'n2', term: '5' });
          }),
      },
    });
    const clock = new VirtualClock();
    const leaders = clientOf([n1, n2], clock).observeLeader({ pollEveryMs: 1_000 });
    const first = leaders.next();
    await waitFor(() => answerN2 !== null && callsOf(n2, 'Watch') === 1, 10_000, "n2's GetLeader and Watch");
    (answerN2 as unknown as () => void)();
    // n1's term-3 leader, though n1 answered first, is not the current one.
    expect((await first).value).toEqual({ leaderId: 'n2', term: 5 });

    for (const event of [
      { node: 'n3', type: 'election-won', term: '6', electionWon: {} },
      { node: 'n2', type: 'leader-changed', term: '6', leaderChanged: { leaderId: 'n3' } },
      { node: 'n1', type: 'leader-changed', term: '4', leaderChanged: { leaderId: 'n1' } },
      { node: 'n2', type: 'leader-changed', term: '7', leaderChanged: { leaderId: '' } },
      { node: 'n2', type: 'leader-changed', term: '8', leaderChanged: { leaderId: 'n2' } },
    ]) {
      n2.writeEvent(event);
    }
    expect((await leaders.next()).value).toEqual({ leaderId: 'n3', term: 6 });
    expect((await leaders.next()).value).toEqual({ leaderId: 'n2', term: 8 });
    await leaders.return?.();
    expect(await leaders.next()).toEqual({ value: undefined, done: true });
  });

  it('ends with the reason of its signal', async () => {
    const n1 = await fake({ unary: { GetLeader: { id: 'n1', leaderId: '', term: '3' } } });
    const abort = new AbortController();
    const leaders = clientOf([n1], new VirtualClock()).observeLeader({ signal: abort.signal });
    const next = leaders.next();
    abort.abort(new Error('done watching'));
    await expect(next).rejects.toThrow('done watching');
  });
});
