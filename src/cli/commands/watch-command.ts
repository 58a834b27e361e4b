import type { AdminNode } from '../../client/admin-node.ts';
import { describeCallFailure } from '../../client/call-failure.ts';
import type { Command } from '../command.ts';
import { formatEventLine, formatNodeLine } from '../event-line.ts';
import { exitCodes } from '../../command-line/program.ts';
import { stringFlag, wholeNumber } from '../../command-line/flag.ts';
import { jsonFlag, reportNodeFailure } from '../output.ts';
import { NodeWatcher, type WatchSink } from '../../client/node-watcher.ts';

const retryMs = 500;

const json = jsonFlag(
  'print NDJSON: one {"wallTimeMs","node","endpoint","type","term","detail"} object per line; ' +
    'reachability changes have type "node-unreachable" or "node-reachable" and term null',
);
const countFlag = stringFlag({
  name: 'count',
  placeholder: '<n>',
  description: 'exit after <n> node events (not counting reachability lines); useful in scripts, e.g. --count 1 waits for the next event',
  parse: wholeNumber(1, Number.MAX_SAFE_INTEGER),
});

export const watchCommand: Command = {
  name: 'watch',
  summary: 'print role, term, leader, election and lease events as they happen',
  synopsis: '[--json] [--count <n>]',
  description: [
    'Opens a Watch stream on every node and prints one line per event, e.g.',
    '  12:00:01.234  n2  term 5  role-changed follower -> leader',
    'A node that goes away is retried every 500 ms; "n2 unreachable" and "n2 reachable again" are',
    'printed once each time that changes. Runs until Ctrl-C, or until --count events were printed.',
  ],
  positionals: [],
  flags: [json, countFlag],
  runsUntilInterrupted: true,
  run: async (args, { io, signal, withCluster }) => {
    const count = args.value(countFlag);

    return withCluster(
      (cluster) =>
        new Promise<number>((resolve) => {
          let printed = 0;
          const finish = (): void => {
            signal.removeEventListener('abort', finish);
            for (const watcher of watchers) watcher.stop();
            resolve(exitCodes.ok);
          };
          const print = args.value(json, false) ? jsonPrinter(io.stdout) : textPrinter(io.stdout);
          const sink: WatchSink = {
            event: (node, event) => {
              print.event(node, event);
              printed += 1;
              if (count !== undefined && printed >= count) finish();
            },
            invalidEvent: (node, problem) => reportNodeFailure(io, node, { kind: 'invalid-response', problem: `Watch: ${problem}` }),
            unreachable: (node, failure) => print.unreachable(node, failure),
            reachableAgain: (node) => print.reachableAgain(node),
          };
          const watchers = cluster.nodes.map((node) => new NodeWatcher(node, sink, retryMs));
          if (signal.aborted) {
            finish();
            return;
          }
          signal.addEventListener('abort', finish, { once: true });
          for (const watcher of watchers) watcher.start();
        }),
    );
  },
};

type Printer = Omit<WatchSink, 'invalidEvent'>;

function textPrinter(write: (line: string) => void): Printer {
  return {
    event: (node, event) => write(formatEventLine(event, node.name)),
    // A plain "unreachable" is the usual case; anything else is worth its reason.
    unreachable: (node, failure) =>
      write(formatNodeLine(Date.now(), node.name, failure.kind === 'unreachable' ? 'unreachable' : `unreachable (${describeCallFailure(failure)})`)),
    reachableAgain: (node) => write(formatNodeLine(Date.now(), node.name, 'reachable again')),
  };
}

function jsonPrinter(write: (line: string) => void): Printer {
  const line = (wallTimeMs: number, nodeName: string, node: AdminNode, type: string, term: number | null, detail: unknown): void =>
    write(JSON.stringify({ wallTimeMs, node: nodeName, endpoint: node.endpoint, type, term, detail }));
  return {
    event: (node, event) => line(event.wallTimeMs, event.node || node.name, node, event.type, event.term, event.detail),
    unreachable: (node, failure) => line(Date.now(), node.name, node, 'node-unreachable', null, { reason: describeCallFailure(failure) }),
    reachableAgain: (node) => line(Date.now(), node.name, node, 'node-reachable', null, {}),
  };
}
