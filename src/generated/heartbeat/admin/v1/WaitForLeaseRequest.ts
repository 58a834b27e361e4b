// Original file: proto/admin.proto


export interface WaitForLeaseRequest {
  /**
   * How long to wait for this node to hold the lease; 0 answers at once.
   */
  'timeoutMs'?: (number);
}

export interface WaitForLeaseRequest__Output {
  /**
   * How long to wait for this node to hold the lease; 0 answers at once.
   */
  'timeoutMs': (number);
}
