import { parseWholeNumber } from '../../src/command-line/flag-values.ts';
import type { FlagSpec, ParsedArgs } from '../../src/command-line/parse-command-args.ts';
import type { GivenClientTls } from '../../src/tls/client-tls.ts';
import { defaultClusterFile } from './fault-cluster.ts';

/** Generous: fault drills run on machines busy with the cluster itself. */
const defaultTimeoutMs = 3000;
const maxTimeoutMs = 600_000;

/** Flags every command accepts, before or after its name. */
export const faultGlobalFlags: readonly FlagSpec[] = [
  {
    name: 'cluster',
    type: 'string',
    placeholder: '<file|dir>',
    description: `the cluster.json written by \`npm run cluster\`, or its data directory (default ${defaultClusterFile})`,
  },
  { name: 'timeout-ms', type: 'string', placeholder: '<ms>', description: `deadline of each admin call to a node (default ${defaultTimeoutMs})` },
  { name: 'cacert', type: 'string', placeholder: '<file>', description: "TLS: CA the nodes' certificates chain to (default: a --tls cluster's own)" },
  {
    name: 'cert',
    type: 'string',
    placeholder: '<file>',
    description: "TLS client certificate with the operator role (default: a --tls cluster's operator.crt)",
  },
  { name: 'key', type: 'string', placeholder: '<file>', description: 'its private key' },
  {
    name: 'net',
    type: 'boolean',
    placeholder: '',
    description:
      "partitions and heal act on the kernel instead of the admin API: nftables rules in each node's network namespace (a cluster started with `npm run cluster -- --net`; root)",
  },
  { name: 'reject', type: 'boolean', placeholder: '', description: 'with --net: cut links answer with TCP resets instead of dropping every packet silently' },
];

export interface FaultGlobalOptions {
  /** As given; undefined for the default. */
  readonly clusterPath: string | undefined;
  readonly timeoutMs: number;
  readonly tls: GivenClientTls;
  /** With --net: how kernel cuts treat packets; null without --net. */
  readonly net: { readonly cut: 'blackhole' | 'reject' } | null;
}

export type ReadFaultGlobalOptionsResult = { readonly ok: true; readonly options: FaultGlobalOptions } | { readonly ok: false; readonly problem: string };

export function readFaultGlobalOptions(args: ParsedArgs): ReadFaultGlobalOptionsResult {
  const timeoutText = args.strings.get('timeout-ms');
  const timeout = timeoutText === undefined ? undefined : parseWholeNumber(timeoutText, '--timeout-ms', 1, maxTimeoutMs);
  if (timeout !== undefined && !timeout.ok) return { ok: false, problem: timeout.problem };
  const tls = { cacert: args.strings.get('cacert'), cert: args.strings.get('cert'), key: args.strings.get('key') };
  const net = args.booleans.has('net');
  if (!net && args.booleans.has('reject')) return { ok: false, problem: '--reject only goes with --net' };
  return {
    ok: true,
    options: {
      clusterPath: args.strings.get('cluster'),
      timeoutMs: timeout?.value ?? defaultTimeoutMs,
      tls,
      net: net ? { cut: args.booleans.has('reject') ? 'reject' : 'blackhole' } : null,
    },
  };
}
