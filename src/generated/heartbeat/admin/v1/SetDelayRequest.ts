// Original file: proto/admin.proto


export interface SetDelayRequest {
  'peers'?: (string)[];
  'delayMs'?: (number);
  'jitterMs'?: (number);
}

export interface SetDelayRequest__Output {
  'peers': (string)[];
  'delayMs': (number);
  'jitterMs': (number);
}
