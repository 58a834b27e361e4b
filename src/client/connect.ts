import { loadClientTls, type ClientTlsFiles } from '../tls/client-tls.ts';
import { formatHostPort, parseHostPort } from '../util/host-port.ts';
import { ClusterClient, type ClusterClientOptions } from './cluster-client.ts';
import { resolveTargets, type EndpointSource } from './endpoints.ts';

export interface ConnectOptions extends Omit<ClusterClientOptions, 'tls'> {
  /** Admin addresses (`host:port`) of any of the nodes; the more, the better the client follows the leader. */
  readonly endpoints?: readonly string[];
  /** Without endpoints: the cluster.json the launcher writes, or its directory (default `./data/cluster.json`). */
  readonly clusterFile?: string;
  /**
   * TLS to the nodes, as hbctl's `--cacert`, `--cert` and `--key` (file paths): the CA their admin
   * certificates chain to and, for nodes that require client certificates, this client's, whose
   * role (reader or operator) decides what it may call.
   */
  readonly tls?: ClientTlsFiles;
}

/**
 * A client of the cluster the options name. Rejects, saying what to fix, on a malformed endpoint,
 * a missing or unreadable cluster file, or TLS files that are missing, mismatched or expired;
 * nothing is contacted yet, so no node need be up.
 */
export async function connect(options: ConnectOptions = {}): Promise<ClusterClient> {
  const resolved = await resolveTargets(endpointSource(options), process.cwd());
  if (!resolved.ok) throw new Error(resolved.message);
  let tls = null;
  if (options.tls !== undefined) {
    const loaded = loadClientTls(options.tls);
    if (!loaded.ok) throw new Error(`connect: ${loaded.problems.join('; ')}`);
    tls = loaded.material;
  }
  return new ClusterClient(resolved.targets, { ...options, tls });
}

function endpointSource(options: ConnectOptions): EndpointSource {
  if (options.endpoints === undefined) {
    return options.clusterFile === undefined ? { kind: 'default-cluster-file' } : { kind: 'cluster-file', path: options.clusterFile };
  }
  if (options.endpoints.length === 0) throw new Error('connect: endpoints is empty; give at least one admin address, e.g. 127.0.0.1:7500');
  return {
    kind: 'endpoints',
    endpoints: options.endpoints.map((endpoint) => {
      const parsed = parseHostPort(endpoint);
      if (!parsed.ok) throw new Error(`connect: endpoint ${JSON.stringify(endpoint)}: ${parsed.problem}`);
      return formatHostPort(parsed.address);
    }),
  };
}
