/**
 * Whether some majority of the cluster is running, unpaused, and linked both ways between every
 * two of its members: the condition under which the cluster should have a lease holder.
 * `cut` holds directed links as `from>to`. Tries every subset: clusters have at most 9 nodes.
 */
export function majorityConnected(nodes: readonly string[], up: ReadonlySet<string>, cut: ReadonlySet<string>): boolean {
  const majority = Math.floor(nodes.length / 2) + 1;
  const candidates = nodes.filter((node) => up.has(node));
  if (candidates.length < majority) return false;
  for (let mask = 0; mask < 1 << candidates.length; mask++) {
    const members = candidates.filter((_, index) => (mask & (1 << index)) !== 0);
    if (members.length < majority) continue;
    if (members.every((a) => members.every((b) => a === b || (!cut.has(`${a}>${b}`) && !cut.has(`${b}>${a}`))))) return true;
  }
  return false;
}
