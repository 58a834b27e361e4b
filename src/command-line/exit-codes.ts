/** hbctl's exit statuses, as documented in its usage. */
export const exitCodes = {
  ok: 0,
  /** A node refused the request, could not be reached, or the cluster could not be found. */
  failed: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** 128 + SIGINT, the shell convention for a program stopped by Ctrl-C. */
  interrupted: 130,
} as const;
