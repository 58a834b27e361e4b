// Original file: proto/peer.proto


/**
 * Leadership transfer: the leader of `term` hands over to `target`. Sent to every follower: the
 * target campaigns at once; the others may then vote for it in the next term. Obeyed only from
 * the node known to lead `term`.
 */
export interface TimeoutNow {
  'target'?: (string);
}

/**
 * Leadership transfer: the leader of `term` hands over to `target`. Sent to every follower: the
 * target campaigns at once; the others may then vote for it in the next term. Obeyed only from
 * the node known to lead `term`.
 */
export interface TimeoutNow__Output {
  'target': (string);
}
