// Original file: proto/admin.proto


export interface LinkFaults {
  'peer'?: (string);
  'inboundBlocked'?: (boolean);
  'outboundBlocked'?: (boolean);
  'delayMs'?: (number);
  'jitterMs'?: (number);
}

export interface LinkFaults__Output {
  'peer': (string);
  'inboundBlocked': (boolean);
  'outboundBlocked': (boolean);
  'delayMs': (number);
  'jitterMs': (number);
}
