// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface TermJumpRefused {
  'from'?: (string);
  'claimedTerm'?: (number | string | Long);
}

export interface TermJumpRefused__Output {
  'from': (string);
  'claimedTerm': (string);
}
