// Original file: proto/admin.proto


export interface SecondLeader {
  'from'?: (string);
  'leaderId'?: (string);
}

export interface SecondLeader__Output {
  'from': (string);
  'leaderId': (string);
}
