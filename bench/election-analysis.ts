import type { NodeId } from '../src/core/ids.ts';
import { numberField, type NodeLogEvent } from '../src/harness/node-log-event.ts';

/** How the election(s) after a fault went, from the nodes' `election-started` / `election-won` lines. */
export interface ElectionAnalysis {
  /** The first node to win a term above the old one, and when (its own log stamp). */
  readonly firstWinner: NodeId | null;
  readonly firstWonWallMs: number | null;
  /** Real (not pre-vote) campaigns in the new terms. */
  readonly candidacies: number;
  /** Terms in which more than one node became candidate: a split vote. */
  readonly splitVoteTerms: number;
  /** Terms used beyond the one the fault made necessary: newTerm - oldTerm - 1. */
  readonly extraTerms: number;
  /** Pre-vote rounds started (each a follower whose election timer fired). */
  readonly preVotes: number;
}

/** Looks at terms oldTerm+1 .. newTerm on `nodes` only. */
export function analyzeElections(events: readonly NodeLogEvent[], nodes: readonly NodeId[], oldTerm: number, newTerm: number): ElectionAnalysis {
  const inScope = events.filter((entry) => {
    const term = numberField(entry, 'term');
    return nodes.includes(entry.node) && term !== null && term > oldTerm && term <= newTerm;
  });
  const won = inScope.filter((entry) => entry.event === 'election-won').sort((a, b) => a.wallMs - b.wallMs)[0];
  const started = inScope.filter((entry) => entry.event === 'election-started');
  const candidacies = started.filter((entry) => entry.fields.preVote === false);
  const candidatesByTerm = new Map<number, Set<NodeId>>();
  for (const entry of candidacies) {
    const term = numberField(entry, 'term') ?? 0;
    const candidates = candidatesByTerm.get(term) ?? new Set<NodeId>();
    candidates.add(entry.node);
    candidatesByTerm.set(term, candidates);
  }
  return {
    firstWinner: won?.node ?? null,
    firstWonWallMs: won?.wallMs ?? null,
    candidacies: candidacies.length,
    splitVoteTerms: [...candidatesByTerm.values()].filter((candidates) => candidates.size > 1).length,
    extraTerms: Math.max(0, newTerm - oldTerm - 1),
    preVotes: started.filter((entry) => entry.fields.preVote === true).length,
  };
}
