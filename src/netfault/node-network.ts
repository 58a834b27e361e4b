import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../util/process-signals.ts';
import { mustRun, runCommand, runQuietlySync } from './host-command.ts';
import { linkFaultProblem, mergeLinkFaults, type LinkFault } from './link-faults.ts';
import { renderNamespaceRules } from './namespace-rules.ts';
import { PacketDelayer } from './packet-delayer.ts';

/**
 * Where every network made by this library is recorded, before anything is created: a later run
 * (or `fault --net heal`) finds and removes what a killed run left behind.
 */
export const networkStateDir = '/run/hbc-netfault';
/**
 * Addresses from 198.18.0.0/15 (set aside for benchmarking networks, RFC 2544), one /24 per
 * network: they exist only on the bridge and inside the namespaces made here, so no packet to
 * them can be meant for anyone else. A blackhole route for the /24 stays below the bridge's own
 * route, so that even while a network is being removed nothing addressed to it leaves the machine.
 */
const subnetPrefix = '198.18';
const maxTag = 255;
const safetyRouteMetric = '4242';
const firstNodeHost = 11;
const firstDelayQueue = 100;

export interface NetworkNode {
  readonly id: string;
  readonly namespace: string;
  /** The host's end of the node's veth pair, a port of the bridge. */
  readonly hostVeth: string;
  readonly address: string;
}

/** What a network is made of; kept as JSON in `networkStateDir`. */
export interface NetworkRecord {
  readonly tag: number;
  readonly ownerPid: number;
  readonly bridge: string;
  readonly subnet: string;
  /** The host's (this machine's root namespace's) address on the bridge: admin calls come from it. */
  readonly hostAddress: string;
  readonly nodes: readonly NetworkNode[];
  /** The link faults in force. */
  readonly faults: readonly LinkFault[];
}

/**
 * One network namespace per node, each with one veth into a bridge on the host and its own
 * address; no default route anywhere, so nothing can leave. A node started through `wrap` runs
 * inside its namespace and its peers see its traffic come from its own address, which is what
 * lets kernel rules cut or slow one directed link (see namespace-rules.ts). Every rule lives in a
 * namespace made here, so removing the namespaces removes every rule with them.
 *
 * Needs root and the tools of host-tools.ts (`ensureNetTools`).
 */
export class NodeNetwork {
  private record: NetworkRecord;
  private readonly delayers = new Map<string, PacketDelayer>();
  private readonly removeExitHook: () => void;
  private destroyed: Promise<void> | null = null;

  private constructor(
    record: NetworkRecord,
    /** Made by this process, which therefore removes it when it exits. */
    private readonly owned: boolean,
    handleSignals = true,
  ) {
    this.record = record;
    if (owned) {
      const onExit = (): void => removeNetworkSync(this.record);
      // A signal's default action ends the process without 'exit': remove the network first, then
      // let the signal do what it would have done, unless someone else handles it.
      const onSignal = (signal: NodeJS.Signals): void => {
        removeNetworkSync(this.record);
        this.removeExitHook();
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      process.once('exit', onExit);
      if (handleSignals) for (const signal of signals) process.once(signal, onSignal);
      this.removeExitHook = () => {
        process.removeListener('exit', onExit);
        for (const signal of signals) process.removeListener(signal, onSignal);
      };
    } else {
      this.removeExitHook = () => undefined;
    }
  }

  /**
   * Makes a network for these node ids (at most 200), first removing what dead runs left. It is
   * removed when this process exits, and on SIGINT, SIGTERM or SIGHUP unless `handleSignals` is
   * false (for a program that handles them itself and calls `destroy()`).
   */
  static async create(ids: readonly string[], options: { readonly handleSignals?: boolean } = {}): Promise<NodeNetwork> {
    await sweepStaleNetworks();
    await mkdir(networkStateDir, { recursive: true });
    const record = await claimTag(ids);
    const network = new NodeNetwork(record, true, options.handleSignals ?? true);
    try {
      await buildNetwork(record);
    } catch (error) {
      await network.destroy();
      throw error;
    }
    return network;
  }

  /** The recorded network one of whose nodes has this address, made by another process (say, the launcher). */
  static async attach(address: string): Promise<NodeNetwork | null> {
    for (const record of await readRecords()) {
      if (record.nodes.some((node) => node.address === address) && isProcessAlive(record.ownerPid)) return new NodeNetwork(record, false);
    }
    return null;
  }

  get tag(): number {
    return this.record.tag;
  }

  get hostAddress(): string {
    return this.record.hostAddress;
  }

  get ids(): string[] {
    return this.record.nodes.map((node) => node.id);
  }

  address(id: string): string {
    return this.node(id).address;
  }

  namespace(id: string): string {
    return this.node(id).namespace;
  }

  /** The command that runs `command args` inside the node's namespace. */
  wrap(id: string, command: string, args: readonly string[]): { readonly command: string; readonly args: readonly string[] } {
    return { command: 'ip', args: ['netns', 'exec', this.namespace(id), command, ...args] };
  }

  faults(): readonly LinkFault[] {
    return this.record.faults;
  }

  /** Replaces every link fault with these. Delays need the process that made the network (it runs the delayers). */
  async setFaults(faults: readonly LinkFault[]): Promise<void> {
    const merged = mergeLinkFaults(faults);
    for (const fault of merged) {
      this.node(fault.from);
      this.node(fault.to);
      const problem = linkFaultProblem(fault);
      if (problem !== null) throw new Error(`${fault.from}>${fault.to}: ${problem}`);
    }
    const addresses = new Map(this.record.nodes.map((node) => [node.id, node.address]));
    await Promise.all(
      this.record.nodes.map(async (node) => {
        const rules = renderNamespaceRules(node.id, addresses, merged, firstDelayQueue);
        if (rules.delayQueues.length > 0 && !this.owned) throw new Error('delays can only be set by the process that made the network');
        let delayer = this.delayers.get(node.id);
        if (rules.delayQueues.length > 0 && delayer === undefined) {
          delayer = new PacketDelayer(node.namespace);
          this.delayers.set(node.id, delayer);
        }
        // Queues first, then the rules that fill them (and the other way round when removing).
        if (delayer !== undefined && rules.delayQueues.length > 0) await delayer.configure(rules.delayQueues);
        await mustRun('ip', ['netns', 'exec', node.namespace, 'nft', '-f', '-'], rules.nft);
        await mustRun('ip', ['netns', 'exec', node.namespace, 'iptables-legacy-restore'], rules.iptablesMangle);
        if (delayer !== undefined && rules.delayQueues.length === 0) await delayer.configure([]);
      }),
    );
    this.record = { ...this.record, faults: merged };
    await writeRecord(this.record);
  }

  /** Adds to the faults in force (a later fault on a link overrides fields of an earlier one). */
  addFaults(faults: readonly LinkFault[]): Promise<void> {
    return this.setFaults([...this.record.faults, ...faults]);
  }

  heal(): Promise<void> {
    return this.setFaults([]);
  }

  /** Removes the namespaces (and every rule in them), the bridge and the record; kills whatever still runs inside. */
  async destroy(): Promise<void> {
    if (!this.owned) throw new Error('only the process that made a network removes it');
    this.destroyed ??= (async () => {
      await Promise.all([...this.delayers.values()].map((delayer) => delayer.stop()));
      this.delayers.clear();
      await removeNetwork(this.record);
      this.removeExitHook();
    })();
    return this.destroyed;
  }

  private node(id: string): NetworkNode {
    const node = this.record.nodes.find((candidate) => candidate.id === id);
    if (node === undefined) throw new Error(`no node ${id} in network ${this.record.tag}`);
    return node;
  }
}

/** Removes every recorded network whose owner process is gone; answers how many. */
export async function sweepStaleNetworks(): Promise<number> {
  let removed = 0;
  for (const record of await readRecords()) {
    if (isProcessAlive(record.ownerPid)) continue;
    await removeNetwork(record);
    removed += 1;
  }
  return removed;
}

async function claimTag(ids: readonly string[]): Promise<NetworkRecord> {
  if (ids.length === 0 || ids.length > 200) throw new Error(`a network holds 1 to 200 nodes (asked for ${ids.length})`);
  const links = await mustRun('ip', ['-o', 'link', 'show']);
  for (let tag = 0; tag <= maxTag; tag++) {
    const bridge = `hbc${tag}br`;
    if (links.includes(` ${bridge}:`)) continue;
    const subnet = `${subnetPrefix}.${tag}.0/24`;
    const record: NetworkRecord = {
      tag,
      ownerPid: process.pid,
      bridge,
      subnet,
      hostAddress: `${subnetPrefix}.${tag}.1`,
      nodes: ids.map((id, index) => ({
        id,
        namespace: `hbc${tag}-${id}`,
        hostVeth: `hbc${tag}${id}`.slice(0, 15),
        address: `${subnetPrefix}.${tag}.${firstNodeHost + index}`,
      })),
      faults: [],
    };
    try {
      // 'wx': only one process can claim a tag, however many start at once.
      await writeFile(recordPath(tag), JSON.stringify(record), { flag: 'wx' });
      return record;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
  }
  throw new Error(`no free network tag among 0-${maxTag}: remove stale ones with \`npm run fault -- --net heal\``);
}

async function buildNetwork(record: NetworkRecord): Promise<void> {
  const { bridge, subnet, hostAddress } = record;
  await mustRun('ip', ['route', 'add', 'blackhole', subnet, 'metric', safetyRouteMetric]);
  await mustRun('ip', ['link', 'add', bridge, 'type', 'bridge']);
  await mustRun('ip', ['addr', 'add', `${hostAddress}/24`, 'dev', bridge]);
  await mustRun('ip', ['link', 'set', bridge, 'up']);
  for (const node of record.nodes) {
    await mustRun('ip', ['netns', 'add', node.namespace]);
    await mustRun('ip', ['link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.namespace]);
    await mustRun('ip', ['link', 'set', node.hostVeth, 'master', bridge, 'up']);
    await mustRun('ip', ['-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0']);
    await mustRun('ip', ['-n', node.namespace, 'link', 'set', 'eth0', 'up']);
    await mustRun('ip', ['-n', node.namespace, 'link', 'set', 'lo', 'up']);
  }
}

async function removeNetwork(record: NetworkRecord): Promise<void> {
  for (const node of record.nodes) {
    // A namespace lives on while a process is in it: end the ones left there (nodes, delayers).
    const pids = await runCommand('ip', ['netns', 'pids', node.namespace]);
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) killQuietly(pid);
    await runCommand('ip', ['netns', 'del', node.namespace]);
    await runCommand('ip', ['link', 'del', node.hostVeth]);
  }
  await runCommand('ip', ['link', 'del', record.bridge]);
  await runCommand('ip', ['route', 'del', 'blackhole', record.subnet, 'metric', safetyRouteMetric]);
  await rm(recordPath(record.tag), { force: true });
}

/** The same for the 'exit' event, where only synchronous work runs. */
function removeNetworkSync(record: NetworkRecord): void {
  for (const node of record.nodes) {
    for (const pid of namespacePidsSync(node.namespace)) killQuietly(pid);
    runQuietlySync('ip', ['netns', 'del', node.namespace]);
    runQuietlySync('ip', ['link', 'del', node.hostVeth]);
  }
  runQuietlySync('ip', ['link', 'del', record.bridge]);
  runQuietlySync('ip', ['route', 'del', 'blackhole', record.subnet, 'metric', safetyRouteMetric]);
  rmSync(recordPath(record.tag), { force: true });
}

function namespacePidsSync(namespace: string): number[] {
  // What `ip netns pids` does, by hand, to stay synchronous.
  try {
    const target = readlinkInode(`/run/netns/${namespace}`);
    if (target === null) return [];
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => readlinkInode(`/proc/${pid}/ns/net`) === target);
  } catch {
    return [];
  }
}

/** Both a namespace's bind mount and /proc/<pid>/ns/net report the namespace's inode. */
function readlinkInode(file: string): number | null {
  try {
    return statSync(file).ino;
  } catch {
    return null;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

async function readRecords(): Promise<NetworkRecord[]> {
  let entries: string[];
  try {
    entries = await readdir(networkStateDir);
  } catch {
    return [];
  }
  const records: NetworkRecord[] = [];
  for (const entry of entries.filter((name) => name.endsWith('.json'))) {
    try {
      records.push(JSON.parse(await readFile(path.join(networkStateDir, entry), 'utf8')) as NetworkRecord);
    } catch {
      // A record being written right now, or a damaged one: not ours to judge.
    }
  }
  return records;
}

async function writeRecord(record: NetworkRecord): Promise<void> {
  const file = recordPath(record.tag);
  await writeFile(`${file}.tmp`, JSON.stringify(record));
  await rename(`${file}.tmp`, file);
}

function recordPath(tag: number): string {
  return path.join(networkStateDir, `${tag}.json`);
}
