// Original file: proto/admin.proto


export interface TransferLeadershipRequest {
  /**
   * Empty: the most responsive follower.
   */
  'target'?: (string);
}

export interface TransferLeadershipRequest__Output {
  /**
   * Empty: the most responsive follower.
   */
  'target': (string);
}
