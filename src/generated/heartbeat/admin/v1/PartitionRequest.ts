// Original file: proto/admin.proto


export interface PartitionRequest {
  'peers'?: (string)[];
  /**
   * inbound | outbound | both
   */
  'direction'?: (string);
}

export interface PartitionRequest__Output {
  'peers': (string)[];
  /**
   * inbound | outbound | both
   */
  'direction': (string);
}
