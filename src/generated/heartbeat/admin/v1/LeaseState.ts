// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseState {
  'node'?: (string);
  'holdsLease'?: (boolean);
  'term'?: (number | string | Long);
  'leaseRemainingMs'?: (number | string);
  'wallTimeMs'?: (number | string);
}

export interface LeaseState__Output {
  'node': (string);
  'holdsLease': (boolean);
  'term': (string);
  'leaseRemainingMs': (number);
  'wallTimeMs': (number);
}
