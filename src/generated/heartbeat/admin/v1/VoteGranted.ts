// Original file: proto/admin.proto


export interface VoteGranted {
  'candidate'?: (string);
  'preVote'?: (boolean);
}

export interface VoteGranted__Output {
  'candidate': (string);
  'preVote': (boolean);
}
