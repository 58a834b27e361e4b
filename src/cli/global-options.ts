import { formatHostPort, parseHostPort } from '../util/host-port.ts';
import type { EndpointSource } from '../client/endpoints.ts';
import type { GivenClientTls } from '../tls/client-tls.ts';
import { anyText, stringFlag, wholeNumber, type ValueParser } from '../command-line/flag.ts';
import type { Args } from '../command-line/read-args.ts';

const defaultTimeoutMs = 1500;
/** Longer than any sensible wait for one answer, and small enough for a uint32-safe deadline. */
const maxTimeoutMs = 600_000;

const endpointList: ValueParser<readonly string[]> = (text, source) => {
  const endpoints: string[] = [];
  const problems: string[] = [];
  for (const raw of text.split(',').map((part) => part.trim())) {
    if (raw === '') continue;
    const parsed = parseHostPort(raw);
    if (!parsed.ok) {
      problems.push(`${source}: ${parsed.problem}`);
      continue;
    }
    const endpoint = formatHostPort(parsed.address);
    if (endpoints.includes(endpoint)) problems.push(`${source} lists ${endpoint} twice`);
    else endpoints.push(endpoint);
  }
  if (endpoints.length === 0 && problems.length === 0) problems.push(`${source} needs at least one host:port, e.g. 127.0.0.1:7500`);
  return problems.length === 0 ? { ok: true, value: endpoints } : { ok: false, problems };
};

const flags = {
  endpoints: stringFlag({
    name: 'endpoints',
    placeholder: '<host:port,...>',
    description: "the nodes' admin addresses, instead of a cluster file",
    parse: endpointList,
  }),
  cluster: stringFlag({
    name: 'cluster',
    placeholder: '<file|dir>',
    description: 'the cluster.json written by `npm run cluster`, or its data directory',
    defaultText: './data/cluster.json',
    parse: anyText,
  }),
  timeoutMs: stringFlag({
    name: 'timeout-ms',
    placeholder: '<ms>',
    description: 'deadline of each call to a node',
    defaultText: String(defaultTimeoutMs),
    parse: wholeNumber(1, maxTimeoutMs),
  }),
  cacert: stringFlag({
    name: 'cacert',
    placeholder: '<file>',
    env: 'HBCTL_CACERT',
    description: "TLS: CA certificates the nodes' admin certificates chain to",
    defaultText: "the cluster file's, for a --tls cluster",
    parse: anyText,
  }),
  cert: stringFlag({
    name: 'cert',
    placeholder: '<file>',
    env: 'HBCTL_CERT',
    description: 'TLS client certificate, whose role decides what hbctl may do',
    parse: anyText,
  }),
  key: stringFlag({ name: 'key', placeholder: '<file>', env: 'HBCTL_KEY', description: 'its private key', parse: anyText }),
};

/** Flags every command accepts, before or after its name. */
export const globalFlags = Object.values(flags);

export interface GlobalOptions {
  readonly endpointSource: EndpointSource;
  readonly timeoutMs: number;
  /** Flags win over the HBCTL_* environment variables; a cluster file may complete them (see chooseClientTls). */
  readonly tls: GivenClientTls;
}

export type ReadGlobalOptionsResult = { readonly ok: true; readonly options: GlobalOptions } | { readonly ok: false; readonly problem: string };

/** The values are valid already; what is left is how they go together. */
export function readGlobalOptions(args: Args): ReadGlobalOptionsResult {
  const endpoints = args.value(flags.endpoints);
  const clusterPath = args.value(flags.cluster);
  if (endpoints !== undefined && clusterPath !== undefined) return { ok: false, problem: 'pass either --endpoints or --cluster, not both' };
  let endpointSource: EndpointSource = { kind: 'default-cluster-file' };
  if (endpoints !== undefined) endpointSource = { kind: 'endpoints', endpoints: [...endpoints] };
  else if (clusterPath !== undefined) endpointSource = { kind: 'cluster-file', path: clusterPath };
  const tls: GivenClientTls = { cacert: args.value(flags.cacert), cert: args.value(flags.cert), key: args.value(flags.key) };
  return { ok: true, options: { endpointSource, timeoutMs: args.value(flags.timeoutMs, defaultTimeoutMs), tls } };
}
