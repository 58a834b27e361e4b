import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ElectionConfig } from '../../src/core/election-config.ts';
import type { HardState } from '../../src/core/hard-state.ts';
import { asNodeId, type NodeId } from '../../src/core/ids.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import { NodeDriver, type FatalReason } from '../../src/runtime/node-driver.ts';
import type { HardStateStore } from '../../src/storage/hard-state-store.ts';
import { MemoryHardStateStore } from '../../src/storage/memory-hard-state-store.ts';
import { MemoryNetwork } from '../../src/transport/memory-network.ts';
import type { InboundHandler, Transport } from '../../src/transport/transport.ts';
import { setTimeout as delay } from 'node:timers/promises';

const [n1, n2, n3] = ['n1', 'n2', 'n3'].map(asNodeId) as [NodeId, NodeId, NodeId];
const silent = pino({ level: 'silent' });
const timings = { heartbeatIntervalMs: 10, electionTimeoutMinMs: 60, electionJitterMs: 30, maxClockDrift: 0.05 };

function configFor(self: NodeId): ElectionConfig {
  return { self, peers: [n1, n2, n3].filter((p) => p !== self), ...timings };
}

/** A store whose writes complete only when the test says so. */
class GatedStore implements HardStateStore {
  saved: HardState[] = [];
  private release: (() => void)[] = [];
  async load(): Promise<HardState> {
    return { term: 0, votedFor: null };
  }
  save(state: HardState): Promise<void> {
    return new Promise((resolve) => {
      this.release.push(() => {
        this.saved.push(state);
        resolve();
      });
    });
  }
  get pendingWrites(): number {
    return this.release.length;
  }
  completeWrites(): void {
    for (const release of this.release.splice(0)) release();
  }
  async bumpIncarnation(): Promise<number> {
    return 1;
  }
  async close(): Promise<void> {}
}

/** A transport that records what the driver sends and lets the test play a peer. */
class RecordingTransport implements Transport {
  sent: { to: NodeId; message: PeerMessage }[] = [];
  handler: InboundHandler | null = null;
  closed = false;
  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
  }
  send(to: NodeId, message: PeerMessage): void {
    this.sent.push({ to, message });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  deliver(from: NodeId, message: PeerMessage): Promise<readonly PeerMessage[]> {
    if (!this.handler) throw new Error('transport not started');
    return this.handler(from, message, null);
  }
}

const drivers: NodeDriver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.stop()));
});

/** A driver on a manual clock: `advance` moves its monotonic time on. */
function startDriver(store: HardStateStore, transport: Transport, self = n1, onFatal: (reason: FatalReason, e: Error) => void = () => {}) {
  let now = 10_000;
  const driver = new NodeDriver({
    config: configFor(self),
    store,
    transport,
    clock: { now: () => now },
    random: { next: () => 0.5 },
    logger: silent,
    onFatal,
  });
  drivers.push(driver);
  return { driver, advance: (ms: number) => (now += ms) };
}

describe('NodeDriver', () => {
  it('sends a vote only after the vote is on disk', async () => {
    const store = new GatedStore();
    const transport = new RecordingTransport();
    const { driver, advance } = startDriver(store, transport);
    await driver.start();
    advance(timings.electionTimeoutMinMs); // past the startup wait, before any election timer fires
    let replied: readonly PeerMessage[] | null = null;
    const reply = transport.deliver(n2, { kind: 'vote-request', term: 5, preVote: false, transfer: false }).then((r) => {
      replied = r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(replied).toBeNull();
    expect(store.saved).toEqual([]);
    store.completeWrites();
    await reply;
    expect(store.saved).toEqual([{ term: 5, votedFor: n2 }]);
    expect(replied).toEqual([{ kind: 'vote-response', term: 5, preVote: false, granted: true }]);
  });

  it('stops, and never votes again, when a write fails', async () => {
    const store = new MemoryHardStateStore();
    const transport = new RecordingTransport();
    const fatal: Error[] = [];
    const { driver, advance } = startDriver(store, transport, n1, (_reason, e) => fatal.push(e));
    await driver.start();
    advance(timings.electionTimeoutMinMs);
    store.failNextSave(new Error('disk full'));
    const first = await transport.deliver(n2, { kind: 'vote-request', term: 5, preVote: false, transfer: false });
    const second = await transport.deliver(n3, { kind: 'vote-request', term: 6, preVote: false, transfer: false });
    expect(first).toEqual([]);
    expect(second).toEqual([]);
    expect(fatal.map((e) => e.message)).toEqual(['disk full']);
    expect(transport.closed).toBe(true);
    expect(store.current).toEqual({ term: 0, votedFor: null });
  });
});

describe('NodeDriver shows only what is on disk', () => {
  it('reports the old term and vote while a new vote is being written, the new ones once written', async () => {
    const store = new GatedStore();
    const transport = new RecordingTransport();
    const { driver, advance } = startDriver(store, transport);
    await driver.start();
    advance(timings.electionTimeoutMinMs);
    const reply = transport.deliver(n2, { kind: 'vote-request', term: 5, preVote: false, transfer: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(driver.status()).toMatchObject({ term: 0, votedFor: null, role: 'follower' });
    store.completeWrites();
    await reply;
    expect(driver.status()).toMatchObject({ term: 5, votedFor: n2 });
  });

  it('does not hand out a lease, whose term is the fencing token, before that term is on disk', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const store = new GatedStore();
      let now = 10_000;
      const driver = new NodeDriver({
        config: { self: n1, peers: [], ...timings },
        store,
        transport: new RecordingTransport(),
        clock: { now: () => now },
        random: { next: () => 0 },
        logger: silent,
        onFatal: () => {},
      });
      drivers.push(driver);
      await driver.start();
      for (let waited = 0; waited < timings.electionTimeoutMinMs; waited += timings.heartbeatIntervalMs) {
        now += timings.heartbeatIntervalMs;
        await vi.advanceTimersByTimeAsync(timings.heartbeatIntervalMs);
      }
      expect(store.pendingWrites).toBe(1);
      // The lone node has elected itself in term 1; the write of term 1 is still in flight.
      expect(driver.leaseRemainingMs()).toBe(0);
      expect(driver.status()).toMatchObject({ term: 0, holdsLease: false, role: 'follower' });
      store.completeWrites();
      await vi.advanceTimersByTimeAsync(0);
      expect(driver.leaseRemainingMs()).toBeGreaterThan(0);
      expect(driver.status()).toMatchObject({ term: 1, holdsLease: true, role: 'leader' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('NodeDriver safety alarms', () => {
  it('refuses every heartbeat of a second leader in the term, and logs them at a bounded rate', async () => {
    const lines: { event?: string; suppressed?: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as { event?: string }) });
    const transport = new RecordingTransport();
    let now = 10_000;
    const driver = new NodeDriver({
      config: configFor(n1),
      store: new MemoryHardStateStore(),
      transport,
      clock: { now: () => now },
      random: { next: () => 0.5 },
      logger,
      onFatal: () => {},
    });
    drivers.push(driver);
    const alarms: string[] = [];
    driver.subscribe(({ event }) => {
      if (event.type === 'safety-alarm') alarms.push(event.alarm.kind);
    });
    await driver.start();
    await transport.deliver(n2, { kind: 'heartbeat', term: 1, round: 1 });
    const answers: (readonly PeerMessage[])[] = [];
    for (let i = 0; i < 1000; i++) {
      now += 1; // a thousand forged heartbeats within one second
      answers.push(await transport.deliver(n3, { kind: 'heartbeat', term: 1, round: i + 1 }));
    }
    expect(alarms).toHaveLength(1000);
    expect(answers.every((answer) => answer.length === 0)).toBe(true);
    expect(driver.status()).toMatchObject({ leaderId: n2, term: 1 });
    const logged = lines.filter((line) => line.event === 'safety-alarm');
    expect(logged.length).toBeLessThanOrEqual(2);
    now += 1000;
    await transport.deliver(n3, { kind: 'heartbeat', term: 1, round: 2000 });
    const last = lines.filter((line) => line.event === 'safety-alarm').at(-1);
    expect(last?.suppressed).toBeGreaterThanOrEqual(998);
  });
});

describe('NodeDriver failures', () => {
  async function failingNode(failure: 'persist' | 'step') {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const store = new MemoryHardStateStore();
    const transport = new RecordingTransport();
    const fatal: FatalReason[] = [];
    let broken = false;
    let now = 10_000;
    const driver = new NodeDriver({
      config: configFor(n1),
      store,
      transport,
      clock: { now: () => now },
      random: {
        next: () => {
          if (broken) throw new Error('bug in a step');
          return 0.5;
        },
      },
      logger: silent,
      onFatal: (reason) => fatal.push(reason),
    });
    drivers.push(driver);
    await driver.start();
    now += timings.electionTimeoutMinMs; // past the start-up wait, short of the election deadline
    if (failure === 'persist') store.failNextSave(new Error('disk full'));
    else broken = true;
    const answer = await transport.deliver(n2, { kind: 'vote-request', term: 3, preVote: false, transfer: false });
    return { driver, transport, fatal, answer };
  }

  for (const failure of ['persist', 'step'] as const) {
    it(`stops loudly when a ${failure === 'persist' ? 'write' : 'step'} fails: one fatal report, no reply, no timer left running`, async () => {
      try {
        const { transport, fatal, answer } = await failingNode(failure);
        expect(fatal).toEqual([failure === 'persist' ? 'persist-failed' : 'step-failed']);
        expect(answer).toEqual([]);
        expect(transport.closed).toBe(true);
        expect(vi.getTimerCount()).toBe(0);
        await vi.advanceTimersByTimeAsync(10 * timings.electionTimeoutMinMs);
        expect(transport.sent).toEqual([]);
      } finally {
        vi.useRealTimers();
      }
    });
  }
});

describe('NodeDriver stall reports', () => {
  it('tells the core of a freeze that its once-a-heartbeat timer saw, though no election timer came due late', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const { driver, advance } = startDriver(new MemoryHardStateStore(), new RecordingTransport());
      const stalls: number[] = [];
      driver.subscribe(({ event }) => {
        if (event.type === 'stall-detected') stalls.push(event.lateByMs);
      });
      await driver.start();
      // The process "freezes": its clock moves on by four heartbeats, short of the election deadline.
      advance(4 * timings.heartbeatIntervalMs);
      await vi.advanceTimersByTimeAsync(timings.heartbeatIntervalMs);
      expect(stalls).toEqual([3 * timings.heartbeatIntervalMs]);
      expect(driver.status().role).toBe('follower');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('NodeDriver over an in-memory network', () => {
  function startCluster() {
    const network = new MemoryNetwork();
    return [n1, n2, n3].map((id) => {
      const driver = new NodeDriver({
        config: configFor(id),
        store: new MemoryHardStateStore(),
        transport: network.transportFor(id),
        clock: { now: () => performance.now() },
        random: { next: Math.random },
        logger: silent,
        onFatal: (_reason, e) => {
          throw e;
        },
      });
      drivers.push(driver);
      return driver;
    });
  }

  async function waitFor<T>(probe: () => T | null | undefined, timeoutMs = 3000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== null && value !== undefined) return value;
      if (performance.now() > deadline) throw new Error('timed out waiting');
      await delay(5);
    }
  }

  it('elects one leader that the others follow, and it holds the lease', async () => {
    const cluster = startCluster();
    await Promise.all(cluster.map((d) => d.start()));
    const leader = await waitFor(() => cluster.find((d) => d.leaseRemainingMs() > 0));
    const followers = cluster.filter((d) => d !== leader);
    await waitFor(() => (followers.every((d) => d.status().leaderId === leader.id) ? true : null));
    expect(cluster.filter((d) => d.status().role === 'leader')).toHaveLength(1);
  });

  it('hands leadership to another node on step-down without waiting for an election timeout', async () => {
    const cluster = startCluster();
    await Promise.all(cluster.map((d) => d.start()));
    const leader = await waitFor(() => cluster.find((d) => d.leaseRemainingMs() > 0));
    await waitFor(() => (leader.status().peers.every((p) => p.lastAckAgoMs !== null) ? true : null));
    const outcome = await leader.stepDown();
    expect(outcome.ok).toBe(true);
    const target = outcome.ok ? outcome.target : null;
    expect(target).not.toBeNull();
    const successor = await waitFor(() => cluster.find((d) => d.id === target && d.leaseRemainingMs() > 0), timings.electionTimeoutMinMs / 2);
    expect(successor.status().term).toBe(leader.status().term);
  });

  it('refuses a transfer on a follower and names the leader', async () => {
    const cluster = startCluster();
    await Promise.all(cluster.map((d) => d.start()));
    const leader = await waitFor(() => cluster.find((d) => d.leaseRemainingMs() > 0));
    const follower = cluster.find((d) => d !== leader)!;
    await waitFor(() => (follower.status().leaderId === leader.id ? true : null));
    expect(await follower.transferLeadership(null)).toEqual({ ok: false, reason: 'not-leader', leaderId: leader.id });
  });
});
