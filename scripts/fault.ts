/**
 * `npm run fault -- <command>`: fault injection for the local cluster (see faults/run-fault.ts).
 * Only the process is dealt with here: its arguments, output, Ctrl-C and exit.
 */
import { exitCodes, processIo } from '../src/command-line/program.ts';
import { PausedProcesses } from './faults/paused-processes.ts';
import { runFault } from './faults/run-fault.ts';

const paused = new PausedProcesses();
// A node must never stay stopped because this script went away: 'exit' runs on every exit that
// is not a signal's default action, which the handlers below make sure of.
process.on('exit', () => paused.resumeAll());

const interrupt = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    interrupts += 1;
    // The first asks the command to stop (chaos then restores the cluster); a second one quits.
    if (interrupts === 1) interrupt.abort();
    else process.exit(exitCodes.interrupted);
  });
}

process.exit(await runFault(process.argv.slice(2), processIo(), { signal: interrupt.signal, paused }));
