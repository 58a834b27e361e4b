// Original file: proto/admin.proto


export interface Timing {
  'heartbeatMs'?: (number);
  'electionTimeoutMs'?: (number);
  'electionJitterMs'?: (number);
  'maxClockDrift'?: (number | string);
}

export interface Timing__Output {
  'heartbeatMs': (number);
  'electionTimeoutMs': (number);
  'electionJitterMs': (number);
  'maxClockDrift': (number);
}
