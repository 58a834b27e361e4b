// Original file: proto/admin.proto


export interface LeaseAcquired {
  /**
   * On the node's monotonic clock.
   */
  'untilMs'?: (number | string);
}

export interface LeaseAcquired__Output {
  /**
   * On the node's monotonic clock.
   */
  'untilMs': (number);
}
