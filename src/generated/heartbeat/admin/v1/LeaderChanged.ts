// Original file: proto/admin.proto


export interface LeaderChanged {
  /**
   * Empty when no leader is known.
   */
  'leaderId'?: (string);
}

export interface LeaderChanged__Output {
  /**
   * Empty when no leader is known.
   */
  'leaderId': (string);
}
