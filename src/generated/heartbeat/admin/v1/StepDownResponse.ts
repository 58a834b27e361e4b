// Original file: proto/admin.proto


export interface StepDownResponse {
  /**
   * The node leadership was handed to; empty if the leader simply stepped down.
   */
  'target'?: (string);
}

export interface StepDownResponse__Output {
  /**
   * The node leadership was handed to; empty if the leader simply stepped down.
   */
  'target': (string);
}
