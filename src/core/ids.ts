/** A node's id within its cluster, e.g. `n1`. Branded so it cannot be confused with other strings. */
export type NodeId = string & { readonly __brand: 'NodeId' };
/** The id every message carries so that two clusters on one network never mix. */
export type ClusterId = string & { readonly __brand: 'ClusterId' };

const idPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Ids appear in file paths, flags and logs, so they are kept to a conservative alphabet. */
export function isValidId(raw: string): boolean {
  return idPattern.test(raw);
}

export function asNodeId(raw: string): NodeId {
  if (!isValidId(raw)) throw new Error(`invalid node id ${JSON.stringify(raw)}`);
  return raw as NodeId;
}

export function asClusterId(raw: string): ClusterId {
  if (!isValidId(raw)) throw new Error(`invalid cluster id ${JSON.stringify(raw)}`);
  return raw as ClusterId;
}
