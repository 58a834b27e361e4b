/** Exit codes of a node process, so scripts and supervisors can tell failures apart. */
export const exitCodes = {
  ok: 0,
  crashed: 1,
  badConfiguration: 2,
  dataDirLocked: 3,
  dataDirCorrupt: 4,
  cannotListen: 5,
  persistFailed: 6,
  /** The election core or the driver failed on a step: a bug, stopped loudly rather than run on wrong state. */
  stepFailed: 7,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
