#!/usr/bin/env node
/** `hbctl`: see run-cli.ts. Only the process is dealt with here: its arguments, output, Ctrl-C and exit. */
import type { CliIo } from '../command-line/cli-io.ts';
import { runCli } from './run-cli.ts';

const io: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  stdoutIsTty: process.stdout.isTTY === true,
};

const interrupt = new AbortController();
// Once only: a second Ctrl-C kills hbctl at once should stopping hang.
process.once('SIGINT', () => interrupt.abort());

process.exit(await runCli(process.argv.slice(2), io, { signal: interrupt.signal }));
