/**
 * `npm run certs -- [--nodes 3 | --peers n1=host:port,...] [--dir ./data/tls]`: mints a local CA
 * and the certificates a cluster needs, with openssl (see src/tls/mint-certificates.ts).
 */
import path from 'node:path';
import { isValidId, type ClusterId } from '../src/core/ids.ts';
import { maxClusterNodes } from '../src/cluster/cluster-options.ts';
import { parseWholeNumber } from '../src/command-line/flag-values.ts';
import { memberListExample, nodeIdRules, parseMemberList } from '../src/node/member-list.ts';
import { nodeDefaults } from '../src/node/node-options.ts';
import { certificatePaths, clientCertificateNames, defaultValidityDays, mintClusterCertificates } from '../src/tls/mint-certificates.ts';
import { formatColumns, parseStringFlags, wantsHelp } from '../src/util/command-line.ts';

const flags = [
  ['nodes', '<1-9>', 'certificates for n1..nN, valid for loopback (default 3)'],
  ['peers', '<id=host:port,...>', `or for these members (as a node's --peers), each valid for its host and loopback, e.g. ${memberListExample}`],
  ['dir', '<dir>', 'where the files go (default ./data/tls)'],
  ['cluster-id', '<id>', `the cluster the identities belong to (default ${nodeDefaults.clusterId})`],
  ['days', '<days>', `validity of each new certificate (default ${defaultValidityDays})`],
  ['renew', '<name,...>', 'mint these again though they exist, e.g. n2 or operator (rotation)'],
] as const;

const usage = [
  'Usage: npm run certs -- [--nodes 3 | --peers <id=host:port,...>] [--dir ./data/tls] [flags]',
  '',
  'Mints, with openssl, a local CA (ca.crt, ca.key) and what a TLS cluster needs that is not there yet:',
  `<id>.crt and <id>.key per node (URI SAN hbc://<cluster-id>/node/<id>, usable as server and client),`,
  `and the admin client certificates ${clientCertificateNames.map((name) => `${name}.crt`).join(' and ')} (URI SAN hbc://<cluster-id>/role/<role>).`,
  'Keys are readable by their owner only. Existing files are kept unless named in --renew.',
  '',
  formatColumns([...flags.map(([name, placeholder, description]) => [`--${name} ${placeholder}`, description]), ['-h, --help', 'print this help']]),
  '',
].join('\n');

process.exit(await main(process.argv.slice(2)));

async function main(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(usage);
    return 0;
  }
  const parsed = parseStringFlags(
    argv,
    flags.map(([name]) => name),
  );
  if (!parsed.ok) return usageError([parsed.problem]);
  const problems: string[] = [];
  const value = (name: (typeof flags)[number][0]): string | undefined => parsed.values.get(name);

  const nodes = new Map<string, string[]>();
  const peers = value('peers');
  if (peers !== undefined) {
    if (value('nodes') !== undefined) problems.push('give --nodes or --peers, not both');
    const members = parseMemberList(peers, '--peers');
    problems.push(...members.problems);
    for (const [id, address] of members.members) nodes.set(id, [address.host]);
  } else {
    const count = parseWholeNumber(value('nodes') ?? '3', '--nodes', 1, maxClusterNodes);
    if (count.ok) for (let ordinal = 1; ordinal <= count.value; ordinal++) nodes.set(`n${ordinal}`, []);
    else problems.push(count.problem);
  }
  const clusterId = value('cluster-id') ?? nodeDefaults.clusterId;
  if (!isValidId(clusterId)) problems.push(`--cluster-id ${JSON.stringify(clusterId)} is not a valid cluster id (${nodeIdRules})`);
  const days = value('days') === undefined ? undefined : parseWholeNumber(value('days') ?? '', '--days', 1, 36_500);
  if (days !== undefined && !days.ok) problems.push(days.problem);
  const renew = new Set(
    (value('renew') ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
  const known = new Set([...nodes.keys(), ...clientCertificateNames]);
  for (const name of renew) if (!known.has(name)) problems.push(`--renew ${name}: not one of ${[...known].join(', ')}`);
  if (problems.length > 0) return usageError(problems);

  const dir = path.resolve(value('dir') ?? path.join('data', 'tls'));
  try {
    const minted = await mintClusterCertificates({
      dir,
      clusterId: clusterId as ClusterId,
      nodes,
      renew,
      ...(days?.ok === true ? { validityDays: days.value } : {}),
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

function usageError(problems: readonly string[]): number {
  for (const problem of problems) console.error(`error: ${problem}`);
  console.error('run with --help to see every flag');
  return 2;
}
