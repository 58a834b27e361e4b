// Original file: proto/peer.proto


/**
 * A candidate asks for a vote (or, as a pre-vote, whether it would get one).
 */
export interface VoteRequest {
  /**
   * "Would you vote for me in `term`?" without anyone changing state.
   */
  'preVote'?: (boolean);
  /**
   * Set by a leadership transfer: voters may ignore their loyalty to the current leader.
   */
  'transfer'?: (boolean);
}

/**
 * A candidate asks for a vote (or, as a pre-vote, whether it would get one).
 */
export interface VoteRequest__Output {
  /**
   * "Would you vote for me in `term`?" without anyone changing state.
   */
  'preVote': (boolean);
  /**
   * Set by a leadership transfer: voters may ignore their loyalty to the current leader.
   */
  'transfer': (boolean);
}
