// Original file: proto/admin.proto


export interface HealRequest {
  /**
   * Empty: every link.
   */
  'peers'?: (string)[];
}

export interface HealRequest__Output {
  /**
   * Empty: every link.
   */
  'peers': (string)[];
}
