import { isValidId, type NodeId } from '../core/ids.ts';
import { formatHostPort, parseHostPort, sameHostPort, type HostPort } from '../util/host-port.ts';

/**
 * The `--peers` syntax, as etcd's `--initial-cluster`: every member of the cluster, this node
 * included, as `id=host:port` joined by commas, e.g. `n1=127.0.0.1:7400,n2=127.0.0.1:7401`.
 */
export const memberListExample = 'n1=127.0.0.1:7400,n2=127.0.0.1:7401,n3=127.0.0.1:7402';

export const nodeIdRules = "1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit";

export interface ParsedMemberList {
  /** The members whose entries are valid, in the order given. */
  readonly members: ReadonlyMap<NodeId, HostPort>;
  readonly problems: readonly string[];
}

/** `source` names where the list came from (`--peers` or its environment variable) in problems. */
export function parseMemberList(raw: string, source: string): ParsedMemberList {
  const members = new Map<NodeId, HostPort>();
  const problems: string[] = [];
  if (raw.trim() === '') {
    return { members, problems: [`${source} is empty: list every member including this node, e.g. ${memberListExample}`] };
  }
  for (const entry of raw.split(',')) {
    if (entry === '') {
      problems.push(`${source} has an empty entry: separate members with single commas, e.g. ${memberListExample}`);
      continue;
    }
    const separator = entry.indexOf('=');
    if (separator === -1) {
      problems.push(`${source} entry ${JSON.stringify(entry)} must be <id>=<host>:<port>, e.g. n1=127.0.0.1:7400`);
      continue;
    }
    const id = entry.slice(0, separator);
    const address = parseHostPort(entry.slice(separator + 1));
    if (!isValidId(id)) problems.push(`${source} entry ${JSON.stringify(entry)}: ${JSON.stringify(id)} is not a valid node id (${nodeIdRules})`);
    if (!address.ok) problems.push(`${source} entry ${JSON.stringify(entry)}: ${address.problem}`);
    if (!isValidId(id) || !address.ok) continue;
    const nodeId = id as NodeId;
    if (members.has(nodeId)) {
      problems.push(`${source} names ${id} more than once: give each node once`);
      continue;
    }
    const sharing = [...members].find(([, other]) => sameHostPort(other, address.address));
    if (sharing !== undefined) {
      problems.push(`${source} gives ${sharing[0]} and ${id} the same address ${formatHostPort(address.address)}: give each node its own address`);
      continue;
    }
    members.set(nodeId, address.address);
  }
  return { members, problems };
}

export function formatMemberList(members: ReadonlyMap<NodeId, string>): string {
  return [...members].map(([id, address]) => `${id}=${address}`).join(',');
}
