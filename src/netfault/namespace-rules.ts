import { isDelayed, type LinkFault, type LinkShape } from './link-faults.ts';

/** The nftables table each node's namespace gets; its own, so nothing else's rules are touched. */
export const nftTable = 'hbc_netfault';
/** Inside every namespace, the node's one interface (the far end of its veth pair). */
export const namespaceDevice = 'eth0';

/** One NFQUEUE queue of the packet delayer: a delayed link leaving this namespace. */
export interface DelayQueue {
  readonly queue: number;
  readonly toAddress: string;
  readonly shape: LinkShape;
}

export interface NamespaceRules {
  /** An `nft -f` script that replaces the namespace's table in one transaction (and removes it when there is nothing to do). */
  readonly nft: string;
  /** An `iptables-restore` script for the mangle table: the NFQUEUE rules of the delayed links. */
  readonly iptablesMangle: string;
  readonly delayQueues: readonly DelayQueue[];
}

/**
 * The rules in `self`'s namespace for the faults of every link that ends or starts there. Cuts and
 * loss act where packets arrive (the input hook of the receiver), so the sender's kernel sends
 * them as it would onto a real wire and nothing tells it they were lost; a drop on the sender's
 * own output would instead fail its send with EPERM at once. Duplicates and delays act where
 * packets leave (the sender's output hook).
 */
export function renderNamespaceRules(self: string, addresses: ReadonlyMap<string, string>, faults: readonly LinkFault[], firstQueue: number): NamespaceRules {
  const address = (id: string): string => {
    const found = addresses.get(id);
    if (found === undefined) throw new Error(`renderNamespaceRules: no address for ${id}`);
    return found;
  };
  const input: string[] = [];
  const output: string[] = [];
  for (const fault of faults.filter((f) => f.to === self)) {
    const from = address(fault.from);
    if (fault.cut === 'blackhole') input.push(`ip saddr ${from} drop`);
    else if (fault.cut === 'reject') input.push(`ip saddr ${from} meta l4proto tcp reject with tcp reset`, `ip saddr ${from} drop`);
    else if ((fault.lossPct ?? 0) > 0) input.push(`ip saddr ${from} numgen random mod 10000 < ${basisPoints(fault.lossPct ?? 0)} drop`);
  }
  const delayQueues: DelayQueue[] = [];
  const mangle: string[] = [];
  for (const fault of faults.filter((f) => f.from === self)) {
    const to = address(fault.to);
    if ((fault.duplicatePct ?? 0) > 0)
      output.push(`ip daddr ${to} numgen random mod 10000 < ${basisPoints(fault.duplicatePct ?? 0)} dup to ${to} device "${namespaceDevice}"`);
    if (isDelayed(fault)) {
      const queue = firstQueue + delayQueues.length;
      delayQueues.push({ queue, toAddress: to, shape: fault });
      // --queue-bypass: should the delayer be gone, packets flow undelayed rather than vanish.
      mangle.push(`-A OUTPUT -d ${to}/32 -j NFQUEUE --queue-num ${queue} --queue-bypass`);
    }
  }
  const chain = (name: string, hook: string, rules: readonly string[]): string[] =>
    rules.length === 0 ? [] : [`  chain ${name} {`, `    type filter hook ${hook} priority -10; policy accept;`, ...rules.map((rule) => `    ${rule}`), '  }'];
  const body = [...chain('input', 'input', input), ...chain('output', 'output', output)];
  // Declaring the table first makes the delete succeed when it did not exist yet.
  const nft = [`table ip ${nftTable}`, `delete table ip ${nftTable}`, ...(body.length === 0 ? [] : [`table ip ${nftTable} {`, ...body, '}'])].join('\n') + '\n';
  const iptablesMangle = [
    '*mangle',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...mangle,
    'COMMIT',
    '',
  ].join('\n');
  return { nft, iptablesMangle, delayQueues };
}

function basisPoints(percent: number): number {
  return Math.round(Math.min(100, Math.max(0, percent)) * 100);
}
