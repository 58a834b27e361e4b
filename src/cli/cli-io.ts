/** Where hbctl writes. One call per line, without the newline, so tests can collect the lines. */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
}
