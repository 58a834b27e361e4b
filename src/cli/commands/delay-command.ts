import { type Command, findNamedNode } from '../command.ts';
import { faultsLine } from '../../client/describe-link-faults.ts';
import { exitCodes } from '../../command-line/program.ts';
import { idList, nodeId, positional, stringFlag, wholeNumber } from '../../command-line/flag.ts';
import { reportNodeFailure } from '../output.ts';

/** Ten minutes: far beyond any election timeout, so larger values are surely typos. */
const maxDelayMs = 600_000;

const nodePositional = positional('node', nodeId);
const peersFlag = stringFlag({
  name: 'peers',
  placeholder: '<id,...>',
  description: 'the peers whose links to slow down',
  required: 'the peers whose links to slow down, e.g. --peers n2,n3',
  parse: idList,
});
const msFlag = stringFlag({
  name: 'ms',
  placeholder: '<ms>',
  description: 'the delay of each message',
  required: 'the delay in milliseconds, e.g. --ms 100',
  parse: wholeNumber(0, maxDelayMs),
});
const jitterFlag = stringFlag({
  name: 'jitter-ms',
  placeholder: '<ms>',
  description: 'up to this much more, at random',
  defaultText: '0',
  parse: wholeNumber(0, maxDelayMs),
});

export const delayCommand: Command = {
  name: 'delay',
  summary: "slow down a node's links to some peers",
  synopsis: '<node> --peers <id,...> --ms <ms> [--jitter-ms <ms>]',
  description: [
    'Makes <node> delay the peer traffic it sends to the given peers, then prints its link faults.',
    '--ms 0 --jitter-ms 0 removes the delay; `hbctl heal` removes it along with any partition.',
  ],
  positionals: [nodePositional],
  flags: [peersFlag, msFlag, jitterFlag],
  runsUntilInterrupted: false,
  run: async (args, { io, withCluster }) =>
    withCluster(async (cluster) => {
      const node = await findNamedNode(cluster, args.positional(nodePositional), io);
      if (node === undefined) return exitCodes.failed;
      const result = await node.client.setDelay(args.value(peersFlag) ?? [], args.value(msFlag) ?? 0, args.value(jitterFlag, 0));
      if (!result.ok) {
        reportNodeFailure(io, node, result.failure);
        return exitCodes.failed;
      }
      io.stdout(faultsLine(node.name, result.value));
      return exitCodes.ok;
    }),
};
