// Original file: proto/admin.proto


/**
 * A timer fired this late: the process was paused or starved.
 */
export interface StallDetected {
  'lateByMs'?: (number | string);
}

/**
 * A timer fired this late: the process was paused or starved.
 */
export interface StallDetected__Output {
  'lateByMs': (number);
}
