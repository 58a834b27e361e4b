/**
 * `npm run certs -- [--nodes 3 | --peers n1=host:port,...] [--dir ./data/tls]`: mints a local CA
 * and the certificates a cluster needs, with openssl (see src/tls/mint-certificates.ts).
 */
import path from 'node:path';
import { isValidId, type ClusterId } from '../src/core/ids.ts';
import { maxClusterNodes } from '../src/cluster/cluster-options.ts';
import { anyText, stringFlag, wholeNumber } from '../src/command-line/flag.ts';
import { processIo, readSingleCommand, type ReadOptionsResult, type SingleCommandProgram } from '../src/command-line/program.ts';
import { readArgs } from '../src/command-line/read-args.ts';
import { memberListExample, nodeIdRules, parseMemberList } from '../src/node/member-list.ts';
import { nodeDefaults } from '../src/node/node-options.ts';
import { certificatePaths, clientCertificateNames, defaultValidityDays, mintClusterCertificates } from '../src/tls/mint-certificates.ts';

const flags = {
  nodes: stringFlag({
    name: 'nodes',
    placeholder: `<1-${maxClusterNodes}>`,
    description: 'certificates for n1..nN, valid for loopback',
    defaultText: '3',
    parse: wholeNumber(1, maxClusterNodes),
  }),
  peers: stringFlag({
    name: 'peers',
    placeholder: '<id=host:port,...>',
    description: `or for these members (as a node's --peers), each valid for its host and loopback, e.g. ${memberListExample}`,
    parse: (text, source) => {
      const members = parseMemberList(text, source);
      return members.problems.length === 0 ? { ok: true, value: members.members } : { ok: false, problems: members.problems };
    },
  }),
  dir: stringFlag({ name: 'dir', placeholder: '<dir>', description: 'where the files go', defaultText: './data/tls', parse: anyText }),
  clusterId: stringFlag({
    name: 'cluster-id',
    placeholder: '<id>',
    description: 'the cluster the identities belong to',
    defaultText: nodeDefaults.clusterId,
    parse: (text, source) =>
      isValidId(text) ? { ok: true, value: text } : { ok: false, problem: `${source} ${JSON.stringify(text)} is not a valid cluster id (${nodeIdRules})` },
  }),
  days: stringFlag({
    name: 'days',
    placeholder: '<days>',
    description: 'validity of each new certificate',
    defaultText: String(defaultValidityDays),
    parse: wholeNumber(1, 36_500),
  }),
  renew: stringFlag({
    name: 'renew',
    placeholder: '<name,...>',
    description: 'mint these again though they exist, e.g. n2 or operator (rotation)',
    parse: (text) => ({
      ok: true,
      value: text
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    }),
  }),
};

const certsProgram: SingleCommandProgram = {
  invocation: 'npm run certs --',
  synopsis: '[--nodes 3 | --peers <id=host:port,...>] [--dir ./data/tls] [flags]',
  about: [
    'Mints, with openssl, a local CA (ca.crt, ca.key) and what a TLS cluster needs that is not there yet:',
    `<id>.crt and <id>.key per node (URI SAN hbc://<cluster-id>/node/<id>, usable as server and client),`,
    `and the admin client certificates ${clientCertificateNames.map((name) => `${name}.crt`).join(' and ')} (URI SAN hbc://<cluster-id>/role/<role>).`,
    'Keys are readable by their owner only. Existing files are kept unless named in --renew.',
  ],
  flags: Object.values(flags),
  notes: [],
};

interface CertsOptions {
  readonly dir: string;
  readonly clusterId: ClusterId;
  readonly nodes: ReadonlyMap<string, string[]>;
  readonly renew: ReadonlySet<string>;
  readonly known: ReadonlySet<string>;
  readonly days: number | undefined;
}

function readCertsOptions(argv: readonly string[]): ReadOptionsResult<CertsOptions> {
  const read = readArgs(argv, {}, certsProgram.flags);
  if (!read.ok) return read;
  const { args } = read;
  const problems = [...read.problems];
  const nodes = new Map<string, string[]>();
  const members = args.value(flags.peers);
  if (args.source(flags.peers) !== undefined) {
    if (args.source(flags.nodes) !== undefined) problems.push('give --nodes or --peers, not both');
    for (const [id, address] of members ?? []) nodes.set(id, [address.host]);
  } else {
    for (let ordinal = 1; ordinal <= args.value(flags.nodes, 3); ordinal++) nodes.set(`n${ordinal}`, []);
  }
  const renew = new Set(args.value(flags.renew, []));
  const known = new Set([...nodes.keys(), ...clientCertificateNames]);
  for (const name of renew) if (!known.has(name)) problems.push(`--renew ${name}: not one of ${[...known].join(', ')}`);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    options: {
      dir: path.resolve(args.value(flags.dir, path.join('data', 'tls'))),
      clusterId: args.value(flags.clusterId, nodeDefaults.clusterId) as ClusterId,
      nodes,
      renew,
      known,
      days: args.value(flags.days),
    },
  };
}

process.exit(await main(process.argv.slice(2)));

async function main(argv: readonly string[]): Promise<number> {
  const read = readSingleCommand(argv, processIo(), certsProgram, readCertsOptions);
  if (!read.ok) return read.exitCode;
  const { dir, clusterId, nodes, renew, known, days } = read.options;
  try {
    const minted = await mintClusterCertificates({
      dir,
      clusterId,
      nodes,
      renew,
      ...(days === undefined ? {} : { validityDays: days }),
    });
    const kept = [...known].filter((name) => !minted.includes(name));
    console.log(
      minted.length === 0 ? `nothing to mint: every certificate is in ${dir}` : `minted in ${dir}: ${minted.map((name) => `${name}.crt`).join(', ')}`,
    );
    if (kept.length > 0 && minted.length > 0) console.log(`kept: ${kept.map((name) => `${name}.crt`).join(', ')} (--renew to mint again)`);
    console.log(`CA: ${certificatePaths(dir, 'ca').cert}; its key ${certificatePaths(dir, 'ca').key} can mint any identity: keep it safe`);
    return 0;
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
