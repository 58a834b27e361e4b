// Original file: proto/admin.proto


export interface TransferLeadershipResponse {
  'target'?: (string);
}

export interface TransferLeadershipResponse__Output {
  'target': (string);
}
