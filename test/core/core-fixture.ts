import type { ElectionConfig } from '../../src/core/election-config.ts';
import { ElectionCore } from '../../src/core/election-core.ts';
import type { Ready } from '../../src/core/ready.ts';
import type { HardState } from '../../src/core/hard-state.ts';
import { asNodeId, type NodeId } from '../../src/core/ids.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import type { RandomSource } from '../../src/core/random-source.ts';

export const n1 = asNodeId('n1');
export const n2 = asNodeId('n2');
export const n3 = asNodeId('n3');

export const timings = {
  heartbeatIntervalMs: 10,
  electionTimeoutMinMs: 100,
  electionJitterMs: 50,
  maxClockDrift: 0.05,
} as const;

export function configFor(self: NodeId, peers: readonly NodeId[] = [n1, n2, n3].filter((p) => p !== self)): ElectionConfig {
  return { self, peers, ...timings };
}

/** Returns the values given, then repeats the last: election timeouts become predictable. */
export function fixedRandom(...values: number[]): RandomSource {
  let i = 0;
  return { next: () => values[Math.min(i++, values.length - 1)] ?? 0 };
}

export function newCore(
  self: NodeId = n1,
  options: { hardState?: HardState; now?: number; random?: RandomSource; peers?: readonly NodeId[] } = {},
): ElectionCore {
  return new ElectionCore(configFor(self, options.peers), options.hardState ?? { term: 0, votedFor: null }, options.now ?? 0, options.random ?? fixedRandom(0));
}

export function sentTo(ready: Ready<unknown>, to: NodeId): PeerMessage[] {
  return ready.messages.filter((m) => m.to === to).map((m) => m.message);
}

export function onlyMessageTo(ready: Ready<unknown>, to: NodeId): PeerMessage {
  const messages = sentTo(ready, to);
  if (messages.length !== 1 || messages[0] === undefined) {
    throw new Error(`expected one message to ${to}, got ${JSON.stringify(messages)}`);
  }
  return messages[0];
}

/** Makes `core` (n1 by default) the leader of term 1 at time `at` with n2's vote. */
export function electedLeader(at = 100): ElectionCore {
  const core = newCore(n1);
  core.tick(at);
  core.receive(at, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
  core.receive(at, n2, { kind: 'vote-response', term: 1, preVote: false, granted: true });
  if (core.status(at).role !== 'leader') throw new Error('fixture failed to elect n1');
  return core;
}

/** Makes `core` a follower of n2 in term 1 that last heard from it at `at`. */
export function followerOfN2(at = 150, random?: RandomSource): ElectionCore {
  const core = newCore(n1, random === undefined ? {} : { random });
  core.receive(at, n2, { kind: 'heartbeat', term: 1, round: 1 });
  return core;
}
