// Original file: proto/admin.proto


export interface TimeoutNowRefused {
  'from'?: (string);
  /**
   * Empty when no leader of the term is known.
   */
  'leaderId'?: (string);
}

export interface TimeoutNowRefused__Output {
  'from': (string);
  /**
   * Empty when no leader of the term is known.
   */
  'leaderId': (string);
}
