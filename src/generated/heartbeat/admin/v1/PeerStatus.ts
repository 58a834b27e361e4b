// Original file: proto/admin.proto


export interface PeerStatus {
  'id'?: (string);
  'address'?: (string);
  /**
   * On the leader: ms since this peer last acknowledged a heartbeat; -1 if never or not leader.
   */
  'lastAckAgoMs'?: (number | string);
}

export interface PeerStatus__Output {
  'id': (string);
  'address': (string);
  /**
   * On the leader: ms since this peer last acknowledged a heartbeat; -1 if never or not leader.
   */
  'lastAckAgoMs': (number);
}
