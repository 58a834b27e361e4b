import { formatHostPort, parseHostPort } from '../util/host-port.ts';
import type { EndpointSource } from '../client/endpoints.ts';
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
];

export interface GlobalOptions {
  readonly endpointSource: EndpointSource;
  readonly timeoutMs: number;
}

export type ReadGlobalOptionsResult = { readonly ok: true; readonly options: GlobalOptions } | { readonly ok: false; readonly problems: readonly string[] };

export function readGlobalOptions(args: ParsedArgs): ReadGlobalOptionsResult {
  const problems: string[] = [];
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
  return problems.length === 0 ? { ok: true, options: { endpointSource, timeoutMs } } : { ok: false, problems };
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
