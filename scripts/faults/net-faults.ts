import { exitCodes, type CliIo } from '../../src/command-line/program.ts';
import { describeLinkFault, linksOfCuts } from '../../src/netfault/link-faults.ts';
import { NodeNetwork } from '../../src/netfault/node-network.ts';
import type { PartitionPlan } from '../../src/nemesis/partition-shapes.ts';
import type { FaultCluster } from './fault-cluster.ts';
import { reportProblem } from './fault-command.ts';

/** The namespaces `npm run cluster -- --net` put the cluster's nodes in, found by a node's address. */
export async function clusterNetwork(cluster: FaultCluster, io: CliIo): Promise<NodeNetwork | null> {
  const address = cluster.file.nodes[0]?.peerAddress ?? '';
  const host = address.slice(0, address.lastIndexOf(':'));
  const network = await NodeNetwork.attach(host);
  if (network === null)
    reportProblem(
      io,
      `the nodes of ${cluster.filePath} (${address}, ...) are not in network namespaces made by a running launcher: start the cluster with \`npm run cluster -- --net\` (as root)`,
    );
  return network;
}

/** Adds the plan's cuts as kernel rules and prints them; exit 1 if the cluster has no namespaces. */
export async function applyKernelCuts(cluster: FaultCluster, plan: PartitionPlan, cut: 'blackhole' | 'reject', io: CliIo, seed?: number): Promise<number> {
  const network = await clusterNetwork(cluster, io);
  if (network === null) return exitCodes.failed;
  const links = linksOfCuts(plan.cuts, cut);
  try {
    await network.addFaults(links);
  } catch (error) {
    reportProblem(io, `cannot set the kernel rules: ${error instanceof Error ? error.message : String(error)}`);
    return exitCodes.failed;
  }
  io.stdout(`${plan.summary}${seed === undefined ? '' : ` [seed ${seed}]`}, by kernel rules (${cut})`);
  for (const fault of network.faults()) io.stdout(`  ${describeLinkFault(fault)}`);
  return exitCodes.ok;
}

/** Removes every kernel rule of the cluster's network. */
export async function healKernelCuts(cluster: FaultCluster, io: CliIo): Promise<number> {
  const network = await clusterNetwork(cluster, io);
  if (network === null) return exitCodes.failed;
  await network.heal();
  io.stdout(`healed every link of ${cluster.ids.join(', ')} (kernel rules removed)`);
  return exitCodes.ok;
}
