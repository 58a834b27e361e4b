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
import { parseNumberInRange, parseStringFlags, wantsHelp } from '../src/util/command-line.ts';

const usage = `Usage: npm run soak -- --minutes <m> [--seed <n>] [--nodes 3|5] [--keep] [--json <file>]

Starts a cluster of real nodes, each in its own network namespace, and for <m> minutes lets a
seeded nemesis kill, restart and pause them, cut the named partition shapes with kernel rules,
delay and drop packets, and transfer leadership, one fault at a time, while a client keeps
asking for the lease. Then prints a verdict from the history checker: the nodes' logs, the
client's tokens and the stores must show at most one leader per term, no two leases at once,
fencing tokens that only grow, and no vote taken back; with availability figures.

  --minutes <m>   how long the nemesis runs (fractions allowed)
  --seed <n>      the nemesis's seed (default: random, printed)
  --nodes 3|5     cluster size (default 5)
  --keep          keep the node logs and data dirs (their paths are printed)
  --json <file>   also write the report as JSON
Needs root. Exit: 0 clean, 1 violated or failed, 2 usage, 3 no root or tools, 130 interrupted.
`;

const argv = process.argv.slice(2);
if (wantsHelp(argv)) {
  process.stdout.write(usage);
  process.exit(0);
}
const keep = argv.includes('--keep');
const parsed = parseStringFlags(
  argv.filter((arg) => arg !== '--keep'),
  ['minutes', 'seed', 'nodes', 'json'],
);
if (!parsed.ok) fail(parsed.problem);
const minutes = parseNumberInRange(parsed.values.get('minutes') ?? '', { min: 0.1, max: 24 * 60, integer: false, unit: 'minutes' });
if (minutes === undefined) fail('--minutes must be a number of minutes from 0.1 to 1440, e.g. --minutes 30');
const seedText = parsed.values.get('seed');
const seed = seedText === undefined ? Math.floor(Math.random() * 2 ** 32) : parseNumberInRange(seedText, { min: 0, max: 2 ** 32 - 1, integer: true });
if (seed === undefined) fail('--seed must be a whole number from 0 to 4294967295');
const nodes = Number(parsed.values.get('nodes') ?? '5');
if (nodes !== 3 && nodes !== 5) fail('--nodes must be 3 or 5');

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
  const json = parsed.values.get('json');
  if (json !== undefined) await writeFile(json, JSON.stringify({ ...report, verdict: { ...report.verdict, leases: report.verdict.leases.length } }, null, 2));
  process.exit(!report.verdict.ok || report.problems.length > 0 ? 1 : interrupt.signal.aborted ? 130 : 0);
} catch (error) {
  if (error instanceof SoakUnavailable) {
    process.stderr.write(`soak not possible here: ${error.message}\n`);
    process.exit(3);
  }
  throw error;
}

function fail(problem: string): never {
  process.stderr.write(`error: ${problem}\n(run with --help to see every flag)\n`);
  process.exit(2);
}
