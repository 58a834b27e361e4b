import { describe, expect, it } from 'vitest';
import { cutBetween, linksOfCuts, mergeLinkFaults } from '../../src/netfault/link-faults.ts';
import { renderNamespaceRules } from '../../src/netfault/namespace-rules.ts';
import { oneWay } from '../../src/nemesis/partition-shapes.ts';

const addresses = new Map([
  ['n1', '198.18.3.11'],
  ['n2', '198.18.3.12'],
  ['n3', '198.18.3.13'],
]);

describe('renderNamespaceRules', () => {
  it('cuts where packets arrive: a blackhole drops, a reject answers with a TCP reset', () => {
    const rules = renderNamespaceRules(
      'n2',
      addresses,
      [
        { from: 'n1', to: 'n2', cut: 'blackhole' },
        { from: 'n3', to: 'n2', cut: 'reject' },
        { from: 'n2', to: 'n1', cut: 'blackhole' },
      ],
      100,
    );
    expect(rules.nft).toBe(
      [
        'table ip hbc_netfault',
        'delete table ip hbc_netfault',
        'table ip hbc_netfault {',
        '  chain input {',
        '    type filter hook input priority -10; policy accept;',
        '    ip saddr 198.18.3.11 drop',
        '    ip saddr 198.18.3.13 meta l4proto tcp reject with tcp reset',
        '    ip saddr 198.18.3.13 drop',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    // n2 -> n1 is n1's to cut, not n2's: nothing leaves n2's output hook changed, and no delays.
    expect(rules.delayQueues).toEqual([]);
    expect(rules.iptablesMangle).not.toContain('NFQUEUE');
  });

  it('drops at random for loss, duplicates on the way out, and queues delayed links for the delayer', () => {
    const n1 = renderNamespaceRules(
      'n1',
      addresses,
      [
        { from: 'n1', to: 'n3', duplicatePct: 2.5, delayMs: 40, jitterMs: 10 },
        { from: 'n3', to: 'n1', lossPct: 12 },
      ],
      100,
    );
    expect(n1.nft).toContain('ip saddr 198.18.3.13 numgen random mod 10000 < 1200 drop');
    expect(n1.nft).toContain('ip daddr 198.18.3.13 numgen random mod 10000 < 250 dup to 198.18.3.13 device "eth0"');
    expect(n1.delayQueues).toEqual([{ queue: 100, toAddress: '198.18.3.13', shape: expect.objectContaining({ delayMs: 40, jitterMs: 10 }) }]);
    expect(n1.iptablesMangle).toContain('-A OUTPUT -d 198.18.3.13/32 -j NFQUEUE --queue-num 100 --queue-bypass');
  });

  it('removes the table when the namespace has nothing to do', () => {
    expect(renderNamespaceRules('n3', addresses, [], 100).nft).toBe('table ip hbc_netfault\ndelete table ip hbc_netfault\n');
  });
});

describe('link faults', () => {
  it('cut both ways between two groups', () => {
    expect(cutBetween(['n1'], ['n2', 'n3'])).toEqual([
      { from: 'n1', to: 'n2', cut: 'blackhole' },
      { from: 'n2', to: 'n1', cut: 'blackhole' },
      { from: 'n1', to: 'n3', cut: 'blackhole' },
      { from: 'n3', to: 'n1', cut: 'blackhole' },
    ]);
  });

  it('turn a planned one-way partition into the one directed link it cuts', () => {
    const planned = oneWay(['n1', 'n2', 'n3'], 'n1', 'n2');
    if (!planned.ok) throw new Error(planned.problem);
    expect(linksOfCuts(planned.plan.cuts, 'reject')).toEqual([{ from: 'n1', to: 'n2', cut: 'reject' }]);
  });

  it('merge later faults on a link into earlier ones', () => {
    expect(
      mergeLinkFaults([
        { from: 'n1', to: 'n2', delayMs: 10 },
        { from: 'n1', to: 'n2', lossPct: 5 },
        { from: 'n2', to: 'n2', cut: 'blackhole' },
      ]),
    ).toEqual([{ from: 'n1', to: 'n2', delayMs: 10, lossPct: 5 }]);
  });
});
