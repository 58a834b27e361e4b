import { faultsLine } from '../../../src/client/describe-link-faults.ts';
import { exitCodes } from '../../../src/command-line/program.ts';
import { nodeId, positional } from '../../../src/command-line/flag.ts';
import type { Args } from '../../../src/command-line/read-args.ts';
import { SeededRandom } from '../../../src/util/seeded-random.ts';
import type { FaultCluster } from '../fault-cluster.ts';
import { readSeed, reportNodeFailure, reportProblem, seedFlag, type FaultCommand, type FaultContext } from '../fault-command.ts';
import { applyPartition } from '../link-faults.ts';
import { applyKernelCuts } from '../net-faults.ts';
import { bridge, halves, isolate, majoritiesRing, oneWay, type PartitionPlanResult } from '../../../src/nemesis/partition-shapes.ts';
import { resolveTarget } from '../resolve-target.ts';

const nodePositional = positional('node', nodeId);
const fromPositional = positional('from', nodeId);
const toPositional = positional('to', nodeId);

/** Said by every partition command's help. */
const addsUp = [
  'Cuts are made through the Partition call of the nodes on both ends of each link, and add to',
  'the cuts already in place: run `heal` first to start from a healthy network. With --net they are',
  "nftables rules in the nodes' network namespaces instead: packets dropped by the kernel as they",
  'arrive (or answered with TCP resets, with --reject).',
];

export const isolateCommand: FaultCommand = {
  name: 'isolate',
  summary: 'cut every link of one node, both ways',
  synopsis: '<node>',
  description: ['Cuts every link between <node> and the other nodes, in both directions.', ...addsUp],
  positionals: [nodePositional],
  flags: [],
  run: async (args, context) => context.withCluster((cluster) => applyShape(cluster, isolate(cluster.ids, args.positional(nodePositional)), context)),
};

export const isolateLeaderCommand: FaultCommand = {
  name: 'isolate-leader',
  summary: 'cut every link of the current leader, both ways',
  synopsis: '',
  description: [
    'Finds the leader the nodes agree on (waiting up to 5 s while they do not), then cuts every link',
    'between it and the other nodes, in both directions. The majority left elects a new leader; the',
    'old one steps down once no majority has answered it for an election timeout.',
    ...addsUp,
  ],
  positionals: [],
  flags: [],
  run: async (_args, context) =>
    context.withCluster(async (cluster) => {
      const target = await resolveTarget(cluster, 'leader', context.io);
      if (target === undefined) return exitCodes.failed;
      context.io.stdout(`the leader is ${target.node.name} (term ${target.leaderTerm})`);
      return applyShape(cluster, isolate(cluster.ids, target.node.name), context);
    }),
};

export const halvesCommand: FaultCommand = {
  name: 'halves',
  summary: 'split the nodes into a random majority and minority',
  synopsis: '[--seed <n>]',
  description: [
    'Puts a random strict majority of the nodes on one side and the rest on the other, and cuts',
    'every link between the sides, both ways. Needs at least 3 nodes.',
    ...addsUp,
  ],
  positionals: [],
  flags: [seedFlag],
  run: (args, context) => seededShape(args, context, halves),
};

export const bridgeCommand: FaultCommand = {
  name: 'bridge',
  summary: 'two sides that share one node, which talks to both',
  synopsis: '[--seed <n>]',
  description: [
    'Picks a random bridge node and splits the others into two sides as even as can be. Every link',
    'between the sides is cut, both ways; the bridge keeps all of its links. With 5 nodes, each side',
    'and the bridge make a majority. Needs at least 3 nodes.',
    ...addsUp,
  ],
  positionals: [],
  flags: [seedFlag],
  run: (args, context) => seededShape(args, context, bridge),
};

export const majoritiesRingCommand: FaultCommand = {
  name: 'majorities-ring',
  summary: 'each node sees a majority, no two nodes the same one',
  synopsis: '[--seed <n>]',
  description: [
    'Puts the nodes on a ring in random order; each keeps its links to the nodes within',
    'ceil(floor(n/2)/2) places of it and loses all others. Each node then sees a majority (itself',
    'included) and no two see the same one: with 5 nodes, itself and its two ring neighbours.',
    'With 3 nodes the ring is also opened into a line, as it would otherwise connect everyone.',
    'Needs at least 3 nodes.',
    ...addsUp,
  ],
  positionals: [],
  flags: [seedFlag],
  run: (args, context) => seededShape(args, context, majoritiesRing),
};

export const oneWayCommand: FaultCommand = {
  name: 'one-way',
  summary: 'drop the traffic from one node to another, only that way',
  synopsis: '<from> <to>',
  description: [
    'Drops everything <from> sends <to>, its replies included; what <to> sends <from> still arrives.',
    'Made on both ends of the link: <from> partitions <to> outbound and <to> partitions <from> inbound',
    '(either would do; both keep the cut in place should one of them restart).',
    ...addsUp,
  ],
  positionals: [fromPositional, toPositional],
  flags: [],
  run: async (args, context) =>
    context.withCluster((cluster) => applyShape(cluster, oneWay(cluster.ids, args.positional(fromPositional), args.positional(toPositional)), context)),
};

async function seededShape(args: Args, context: FaultContext, shape: (nodes: readonly string[], random: SeededRandom) => PartitionPlanResult): Promise<number> {
  const seed = readSeed(args);
  return context.withCluster((cluster) => applyShape(cluster, shape(cluster.ids, new SeededRandom(seed)), context, seed));
}

/** Applies the plan and prints it, then the faults each node now has; exit 1 if any node failed. */
async function applyShape(cluster: FaultCluster, planned: PartitionPlanResult, context: FaultContext, seed?: number): Promise<number> {
  const { io } = context;
  if (!planned.ok) {
    reportProblem(io, planned.problem);
    return exitCodes.failed;
  }
  const { plan } = planned;
  if (context.net !== null) return applyKernelCuts(cluster, plan, context.net.cut, io, seed);
  const outcomes = await applyPartition(cluster, plan);
  const failures = outcomes.flatMap(({ node, result }) => (result.ok ? [] : [{ node, failure: result.failure }]));
  for (const { node, failure } of failures) reportNodeFailure(io, node, failure);
  if (failures.length === 0) io.stdout(seed === undefined ? plan.summary : `${plan.summary} [seed ${seed}]`);
  else reportProblem(io, `${plan.label} is only partly in place: the nodes above did not take their cuts (undo with \`heal\`)`);
  for (const { node, result } of outcomes) if (result.ok) io.stdout(`  ${faultsLine(node.name, result.value)}`);
  return failures.length === 0 ? exitCodes.ok : exitCodes.failed;
}
