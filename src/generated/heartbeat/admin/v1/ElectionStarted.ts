// Original file: proto/admin.proto


export interface ElectionStarted {
  'preVote'?: (boolean);
  'transfer'?: (boolean);
}

export interface ElectionStarted__Output {
  'preVote': (boolean);
  'transfer': (boolean);
}
