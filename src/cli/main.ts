#!/usr/bin/env node
/** `hbctl`: see run-cli.ts. Only the process is dealt with here: its arguments, output, Ctrl-C and exit. */
import { processIo } from '../command-line/program.ts';
import { runCli } from './run-cli.ts';

const interrupt = new AbortController();
// Once only: a second Ctrl-C kills hbctl at once should stopping hang.
process.once('SIGINT', () => interrupt.abort());

process.exit(await runCli(process.argv.slice(2), processIo(), { signal: interrupt.signal }));
