// Original file: proto/peer.proto


/**
 * A voter's answer to a VoteRequest.
 */
export interface VoteResponse {
  /**
   * Echoes the request's pre_vote flag.
   */
  'preVote'?: (boolean);
  /**
   * Whether the vote (or pre-vote) is granted.
   */
  'granted'?: (boolean);
}

/**
 * A voter's answer to a VoteRequest.
 */
export interface VoteResponse__Output {
  /**
   * Echoes the request's pre_vote flag.
   */
  'preVote': (boolean);
  /**
   * Whether the vote (or pre-vote) is granted.
   */
  'granted': (boolean);
}
