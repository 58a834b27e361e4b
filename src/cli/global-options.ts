import { formatHostPort, parseHostPort } from '../util/host-port.ts';
import type { EndpointSource } from '../client/endpoints.ts';
import type { GivenClientTls } from '../tls/client-tls.ts';
import { parseWholeNumber } from '../command-line/flag-values.ts';
import type { FlagSpec, ParsedArgs } from '../command-line/parse-command-args.ts';

const defaultTimeoutMs = 1500;
/** Longer than any sensible wait for one answer, and small enough for a uint32-safe deadline. */
const maxTimeoutMs = 600_000;

/** Flags every command accepts, before or after its name. */
export const globalFlags: readonly FlagSpec[] = [
  {
    name: 'endpoints',
    type: 'string',
    placeholder: '<host:port,...>',
    description: "the nodes' admin addresses, instead of a cluster file",
  },
  {
    name: 'cluster',
    type: 'string',
    placeholder: '<file|dir>',
    description: 'the cluster.json written by `npm run cluster`, or its data directory (default ./data/cluster.json)',
  },
  { name: 'timeout-ms', type: 'string', placeholder: '<ms>', description: `deadline of each call to a node (default ${defaultTimeoutMs})` },
  {
    name: 'cacert',
    type: 'string',
    placeholder: '<file>',
    description: "TLS: CA certificates the nodes' admin certificates chain to (default: the cluster file's, for a --tls cluster; env HBCTL_CACERT)",
  },
  { name: 'cert', type: 'string', placeholder: '<file>', description: 'TLS client certificate, whose role decides what hbctl may do (env HBCTL_CERT)' },
  { name: 'key', type: 'string', placeholder: '<file>', description: 'its private key (env HBCTL_KEY)' },
];

export interface GlobalOptions {
  readonly endpointSource: EndpointSource;
  readonly timeoutMs: number;
  /** Flags win over the HBCTL_* environment variables; a cluster file may complete them (see chooseClientTls). */
  readonly tls: GivenClientTls;
}

export type ReadGlobalOptionsResult = { readonly ok: true; readonly options: GlobalOptions } | { readonly ok: false; readonly problems: readonly string[] };

export function readGlobalOptions(args: ParsedArgs, env: NodeJS.ProcessEnv): ReadGlobalOptionsResult {
  const problems: string[] = [];
  // An empty variable counts as unset, as shells use it.
  const fromEnv = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const tls: GivenClientTls = {
    cacert: args.strings.get('cacert') ?? fromEnv('HBCTL_CACERT'),
    cert: args.strings.get('cert') ?? fromEnv('HBCTL_CERT'),
    key: args.strings.get('key') ?? fromEnv('HBCTL_KEY'),
  };
  let timeoutMs = defaultTimeoutMs;
  const timeoutText = args.strings.get('timeout-ms');
  if (timeoutText !== undefined) {
    const parsed = parseWholeNumber(timeoutText, '--timeout-ms', 1, maxTimeoutMs);
    if (parsed.ok) timeoutMs = parsed.value;
    else problems.push(parsed.problem);
  }

  const endpointsText = args.strings.get('endpoints');
  const clusterPath = args.strings.get('cluster');
  let endpointSource: EndpointSource = { kind: 'default-cluster-file' };
  if (endpointsText !== undefined && clusterPath !== undefined) {
    problems.push('pass either --endpoints or --cluster, not both');
  } else if (endpointsText !== undefined) {
    const endpoints = parseEndpointList(endpointsText, problems);
    endpointSource = { kind: 'endpoints', endpoints };
  } else if (clusterPath !== undefined) {
    endpointSource = { kind: 'cluster-file', path: clusterPath };
  }
  return problems.length === 0 ? { ok: true, options: { endpointSource, timeoutMs, tls } } : { ok: false, problems };
}

function parseEndpointList(text: string, problems: string[]): string[] {
  const endpoints: string[] = [];
  for (const raw of text.split(',').map((part) => part.trim())) {
    if (raw === '') continue;
    const parsed = parseHostPort(raw);
    if (!parsed.ok) {
      problems.push(`--endpoints: ${parsed.problem}`);
      continue;
    }
    const endpoint = formatHostPort(parsed.address);
    if (endpoints.includes(endpoint)) problems.push(`--endpoints lists ${endpoint} twice`);
    else endpoints.push(endpoint);
  }
  if (endpoints.length === 0 && problems.length === 0) problems.push('--endpoints needs at least one host:port, e.g. 127.0.0.1:7500');
  return endpoints;
}
