// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface TermChanged {
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
}

export interface TermChanged__Output {
  'from': (string);
  'to': (string);
}
