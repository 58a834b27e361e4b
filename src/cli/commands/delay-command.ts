import type { Command } from '../command.ts';
import { faultsLine } from '../../client/describe-link-faults.ts';
import { exitCodes } from '../../command-line/exit-codes.ts';
import { findNamedNode } from '../find-named-node.ts';
import { parseIdList, parseNodeId, parseWholeNumber } from '../../command-line/flag-values.ts';
import { reportNodeFailure } from '../report.ts';

/** Ten minutes: far beyond any election timeout, so larger values are surely typos. */
const maxDelayMs = 600_000;

export const delayCommand: Command = {
  name: 'delay',
  summary: "slow down a node's links to some peers",
  synopsis: '<node> --peers <id,...> --ms <ms> [--jitter-ms <ms>]',
  description: [
    'Makes <node> delay the peer traffic it sends to the given peers, then prints its link faults.',
    '--ms 0 --jitter-ms 0 removes the delay; `hbctl heal` removes it along with any partition.',
  ],
  positionals: [{ name: 'node', optional: false }],
  flags: [
    { name: 'peers', type: 'string', placeholder: '<id,...>', description: 'the peers whose links to slow down (required)' },
    { name: 'ms', type: 'string', placeholder: '<ms>', description: 'the delay of each message (required)' },
    { name: 'jitter-ms', type: 'string', placeholder: '<ms>', description: 'up to this much more, at random (default 0)' },
  ],
  runsUntilInterrupted: false,
  run: async (args, { io, usageError, withCluster }) => {
    const nodeId = parseNodeId(args.positionals[0] ?? '', '<node>');
    if (!nodeId.ok) return usageError(nodeId.problem);
    const peersText = args.strings.get('peers');
    if (peersText === undefined) return usageError('--peers is required: the peers whose links to slow down, e.g. --peers n2,n3');
    const peers = parseIdList(peersText, '--peers');
    if (!peers.ok) return usageError(peers.problem);
    const msText = args.strings.get('ms');
    if (msText === undefined) return usageError('--ms is required: the delay in milliseconds, e.g. --ms 100');
    const delayMs = parseWholeNumber(msText, '--ms', 0, maxDelayMs);
    if (!delayMs.ok) return usageError(delayMs.problem);
    const jitterMs = parseWholeNumber(args.strings.get('jitter-ms') ?? '0', '--jitter-ms', 0, maxDelayMs);
    if (!jitterMs.ok) return usageError(jitterMs.problem);

    return withCluster(async (cluster) => {
      const node = await findNamedNode(cluster, nodeId.value, io);
      if (node === undefined) return exitCodes.failed;
      const result = await node.client.setDelay(peers.value, delayMs.value, jitterMs.value);
      if (!result.ok) {
        reportNodeFailure(io, node, result.failure);
        return exitCodes.failed;
      }
      io.stdout(faultsLine(node.name, result.value));
      return exitCodes.ok;
    });
  },
};
