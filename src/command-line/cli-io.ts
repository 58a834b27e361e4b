/** Where hbctl writes. One call per line, without the newline, so tests can collect the lines. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** True when stdout is a terminal, so live views may redraw it in place. Absent means false. */
  readonly stdoutIsTty?: boolean;
}
