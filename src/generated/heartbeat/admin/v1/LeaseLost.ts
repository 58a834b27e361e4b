// Original file: proto/admin.proto


export interface LeaseLost {
  /**
   * expired | stepped-down
   */
  'reason'?: (string);
}

export interface LeaseLost__Output {
  /**
   * expired | stepped-down
   */
  'reason': (string);
}
