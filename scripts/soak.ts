/**
 * `npm run soak -- --minutes M --seed S [--nodes 3|5] [--keep]`: a real cluster in network
 * namespaces under a seeded nemesis, judged at the end by the history checker (src/nemesis,
 * src/history). Needs root (it installs nftables, iproute2, iptables and python3 if missing).
 * Exit status: 0 clean verdict, 1 a rule was violated or the run failed, 2 wrong command line,
 * 3 not possible here (no root), 130 interrupted (still judged).
 */
import { writeFile } from 'node:fs/promises';
import { buildDist } from '../src/harness/node-command.ts';
import { formatVerdict } from '../src/history/verdict-report.ts';
import { notRootReason } from '../src/netfault/host-tools.ts';
import { runSoak, SoakUnavailable } from '../src/nemesis/soak-run.ts';
import { anyText, booleanFlag, choice, numberIn, stringFlag, wholeNumber } from '../src/command-line/flag.ts';
import { processIo, readSingleCommand, type ReadOptionsResult, type SingleCommandProgram } from '../src/command-line/program.ts';
import { readArgs, type Args } from '../src/command-line/read-args.ts';

const flags = {
  minutes: stringFlag({
    name: 'minutes',
    placeholder: '<m>',
    description: 'how long the nemesis runs (fractions allowed)',
    required: 'how long the nemesis runs, e.g. --minutes 30',
    parse: numberIn({ min: 0.1, max: 24 * 60, integer: false, unit: 'minutes' }),
  }),
  seed: stringFlag({
    name: 'seed',
    placeholder: '<n>',
    description: "the nemesis's seed",
    defaultText: 'random, printed',
    parse: wholeNumber(0, 2 ** 32 - 1),
  }),
  nodes: stringFlag({ name: 'nodes', placeholder: '<3|5>', description: 'cluster size', defaultText: '5', parse: choice(['3', '5']) }),
  keep: booleanFlag({ name: 'keep', description: 'keep the node logs and data dirs (their paths are printed)' }),
  json: stringFlag({ name: 'json', placeholder: '<file>', description: 'also write the report as JSON', parse: anyText }),
};

const soakProgram: SingleCommandProgram = {
  invocation: 'npm run soak --',
  synopsis: '--minutes <m> [--seed <n>] [--nodes 3|5] [--keep] [--json <file>]',
  about: [
    'Starts a cluster of real nodes, each in its own network namespace, and for <m> minutes lets a',
    'seeded nemesis kill, restart and pause them, cut the named partition shapes with kernel rules,',
    'delay and drop packets, and transfer leadership, one fault at a time, while a client keeps',
    "asking for the lease. Then prints a verdict from the history checker: the nodes' logs, the",
    "client's tokens and the stores must show at most one leader per term, no two leases at once,",
    'fencing tokens that only grow, and no vote taken back; with availability figures.',
  ],
  flags: Object.values(flags),
  notes: ['Needs root. Exit: 0 clean, 1 violated or failed, 2 usage, 3 no root or tools, 130 interrupted.'],
};

const read = readSingleCommand(process.argv.slice(2), processIo(), soakProgram, (argv): ReadOptionsResult<Args> => {
  const args = readArgs(argv, {}, soakProgram.flags);
  return args.ok && args.problems.length === 0 ? { ok: true, options: args.args } : { ok: false, problems: args.problems };
});
if (!read.ok) process.exit(read.exitCode);
const args = read.options;
const minutes = args.value(flags.minutes, 0);
const seed = args.value(flags.seed) ?? Math.floor(Math.random() * 2 ** 32);
const nodes = Number(args.value(flags.nodes, '5'));
const keep = args.value(flags.keep, false);

const interrupt = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('stopping the nemesis: repairing, then judging the run (again to quit at once)\n');
      interrupt.abort();
    } else process.exit(130);
  });
}

const notRoot = notRootReason();
if (notRoot !== null) {
  process.stderr.write(`soak not possible here: it ${notRoot}\n`);
  process.exit(3);
}
const bundle = await buildDist();
if (!bundle.ok) {
  process.stderr.write(`error: ${bundle.message}\n`);
  process.exit(1);
}
console.log(`soak: ${nodes} nodes, ${minutes} minutes, seed ${seed}`);
try {
  const report = await runSoak({ durationMs: minutes * 60_000, seed, nodes, print: (line) => console.log(line), signal: interrupt.signal, keepFiles: keep });
  console.log('');
  console.log(
    `faults injected: ${
      Object.entries(report.faultCounts)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ') || 'none'
    }`,
  );
  const { client } = report;
  console.log(
    `client: ${client.attempts} WaitForLease calls, ${client.tokens} tokens, ${client.refused} refused (not the holder), ${client.unanswered} unanswered`,
  );
  for (const problem of report.problems) console.log(`! ${problem}`);
  for (const line of formatVerdict(report.verdict)) console.log(line);
  const json = args.value(flags.json);
  if (json !== undefined) await writeFile(json, JSON.stringify({ ...report, verdict: { ...report.verdict, leases: report.verdict.leases.length } }, null, 2));
  process.exit(!report.verdict.ok || report.problems.length > 0 ? 1 : interrupt.signal.aborted ? 130 : 0);
} catch (error) {
  if (error instanceof SoakUnavailable) {
    process.stderr.write(`soak not possible here: ${error.message}\n`);
    process.exit(3);
  }
  throw error;
}
