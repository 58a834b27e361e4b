// Original file: proto/admin.proto


export interface SteppedDown {
  /**
   * higher-term | check-quorum | transfer | step-down
   */
  'reason'?: (string);
}

export interface SteppedDown__Output {
  /**
   * higher-term | check-quorum | transfer | step-down
   */
  'reason': (string);
}
