import { describe, expect, it } from 'vitest';
import { newestLeader, unanimousLeader, type LeaderClaim } from '../../src/client/leader-agreement.ts';

const claim = (node: string, role: string, term: number, leaderId: string | null): LeaderClaim => ({ node, role, term, leaderId });

describe('unanimousLeader', () => {
  it('names the leader every node follows in one term, the leader itself included', () => {
    expect(unanimousLeader([claim('n1', 'leader', 3, 'n1'), claim('n2', 'follower', 3, 'n1'), claim('n3', 'follower', 3, 'n1')])).toEqual({
      leader: 'n1',
      term: 3,
    });
  });

  it('is null while a node does not answer, is behind, knows no leader, or follows another', () => {
    const leader = claim('n1', 'leader', 3, 'n1');
    expect(unanimousLeader([leader, null])).toBeNull();
    expect(unanimousLeader([leader, claim('n2', 'follower', 2, 'n1')])).toBeNull();
    expect(unanimousLeader([leader, claim('n2', 'follower', 3, null)])).toBeNull();
    expect(unanimousLeader([leader, claim('n2', 'follower', 3, 'n3')])).toBeNull();
  });

  it('is null when the leader named is not among the nodes asked, or two claim to lead', () => {
    expect(unanimousLeader([claim('n2', 'follower', 3, 'n1'), claim('n3', 'follower', 3, 'n1')])).toBeNull();
    expect(unanimousLeader([claim('n1', 'leader', 3, 'n1'), claim('n2', 'leader', 3, 'n1')])).toBeNull();
    expect(unanimousLeader([])).toBeNull();
  });
});

describe('newestLeader', () => {
  it('is the leader claiming the highest term, though a deposed one still claims an older term or some nodes are silent', () => {
    expect(newestLeader([claim('n1', 'leader', 3, 'n1'), null, claim('n3', 'leader', 4, 'n3'), claim('n2', 'follower', 5, null)])).toEqual({
      leader: 'n3',
      term: 4,
    });
  });

  it('is null while no node claims to lead', () => {
    expect(newestLeader([claim('n2', 'follower', 3, 'n1'), null])).toBeNull();
    expect(newestLeader([])).toBeNull();
  });
});
