import { describe, expect, it } from 'vitest';
import type { LeaderView } from '../../src/client/admin-responses.ts';
import { overlappingLeaseClaims, type LeaseObservation } from '../../src/client/lease-observations.ts';
import { asNodeId } from '../../src/core/ids.ts';

function observed(node: string, sentAt: number, answeredAt: number, holdsLease: boolean): LeaseObservation {
  const view = { id: node, holdsLease } as unknown as LeaderView;
  return { node: asNodeId(node), sentAt, answeredAt, view };
}

describe('overlappingLeaseClaims', () => {
  it('pairs claims by two nodes whose question-to-answer windows overlap, and nothing else', () => {
    const a = observed('n1', 0, 10, true);
    const b = observed('n2', 5, 12, true);
    const later = observed('n2', 11, 20, true);
    const sameNode = observed('n1', 2, 8, true);
    const notHolding = observed('n3', 1, 9, false);
    expect(overlappingLeaseClaims([later, b, notHolding, sameNode, a])).toEqual([
      [a, b],
      [sameNode, b],
    ]);
    expect(overlappingLeaseClaims([a, sameNode, later])).toEqual([]);
  });
});
