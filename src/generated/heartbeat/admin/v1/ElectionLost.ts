// Original file: proto/admin.proto


export interface ElectionLost {
  'preVote'?: (boolean);
  /**
   * rejected | timed-out | higher-term | other-leader
   */
  'reason'?: (string);
}

export interface ElectionLost__Output {
  'preVote': (boolean);
  /**
   * rejected | timed-out | higher-term | other-leader
   */
  'reason': (string);
}
