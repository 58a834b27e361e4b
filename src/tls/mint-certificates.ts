/**
 * A small local certificate authority run with the `openssl` command (OpenSSL 3, as Debian ships
 * it): no crypto of our own. Files in one directory:
 *
 * - `ca.crt`, `ca.key`: the CA (keep `ca.key` elsewhere in production: whoever has it can mint
 *   any identity);
 * - `<name>.crt`, `<name>.key`: a certificate and its key, e.g. `n1`, `operator`, `reader`;
 * - `.ca/`: the CA's openssl configuration and its database of what it issued.
 *
 * Keys are EC P-256 and readable by their owner only (0600).
 */
import { execFile } from 'node:child_process';
import { access, chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ClusterId } from '../core/ids.ts';
import { nodeIdentityUri, roleUri, type AdminRole } from './certificate-identity.ts';
import type { CertificateUse } from './tls-material.ts';

const run = promisify(execFile);

/** Where a certificate named `name` (`n1`, `operator`, `ca`...) and its key live in `dir`. */
export function certificatePaths(dir: string, name: string): { readonly cert: string; readonly key: string } {
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

export const caName = 'ca';
/** The admin client certificates `mintClusterCertificates` makes, one per role, named after it. */
export const clientCertificateNames: readonly AdminRole[] = ['operator', 'reader'];

/** Default validity of what is minted. */
export const defaultValidityDays = 365;
/** A new certificate is valid from a little before now, so a peer whose clock is behind accepts it. */
const backdateMs = 60 * 60 * 1000;
/** Loopback names every node's certificate carries, so local tools can reach it by them. */
const loopbackHosts = ['127.0.0.1', '::1', 'localhost'];

export interface CertificateRequest {
  /** File name without extension. */
  readonly name: string;
  readonly commonName: string;
  /** URI SANs: the identities (see certificate-identity.ts). */
  readonly uris: readonly string[];
  /** DNS names and IP addresses the holder serves on, for hostname verification. */
  readonly hosts: readonly string[];
  readonly use: CertificateUse;
  /** Default: an hour ago. */
  readonly notBefore?: Date;
  /** Default: `defaultValidityDays` from now. */
  readonly notAfter?: Date;
}

const opensslConfig = `# Written by heartbeat-cluster's certificate minting (src/tls/mint-certificates.ts).
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_extensions]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca]
default_ca = local_ca
[local_ca]
database = .ca/index.txt
serial = .ca/serial
new_certs_dir = .ca
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[any_name]
commonName = supplied
`;

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** `20260102030405Z`: the GeneralizedTime form `openssl ca -startdate` takes. */
function opensslTime(date: Date): string {
  return `${date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, '')}Z`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function openssl(dir: string, args: readonly string[]): Promise<void> {
  try {
    await run('openssl', [...args], { cwd: dir });
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : '';
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') {
      throw new Error('the openssl command is not installed (Debian: apt-get install openssl)');
    }
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || String(error)}`);
  }
}

/** Creates the CA in `dir` unless `ca.crt` is already there; answers whether it did. */
export async function ensureCertificateAuthority(dir: string, commonName: string, validityDays = 10 * defaultValidityDays): Promise<boolean> {
  await mkdir(path.join(dir, '.ca'), { recursive: true, mode: 0o700 });
  const { cert, key } = certificatePaths(dir, caName);
  const config = path.join(dir, '.ca', 'openssl.cnf');
  if (!(await exists(config))) await writeFile(config, opensslConfig);
  const index = path.join(dir, '.ca', 'index.txt');
  if (!(await exists(index))) await writeFile(index, '');
  if (await exists(cert)) return false;
  const temporary = `${caName}.new`;
  await openssl(dir, [
    'req',
    '-x509',
    '-new',
    ...ecKey,
    '-keyout',
    `${temporary}.key`,
    '-out',
    `${temporary}.crt`,
    '-days',
    String(validityDays),
    '-subj',
    `/CN=${commonName}`,
    '-config',
    '.ca/openssl.cnf',
    '-extensions',
    'ca_extensions',
  ]);
  await chmod(path.join(dir, `${temporary}.key`), 0o600);
  await rename(path.join(dir, `${temporary}.key`), key);
  await rename(path.join(dir, `${temporary}.crt`), cert);
  return true;
}

/**
 * Mints `<name>.crt` and `<name>.key` in `dir` from its CA (see `ensureCertificateAuthority`),
 * replacing any there. Both are written under temporary names and then renamed into place, so a
 * node reloading meanwhile reads either the old pair or the new one (or a mismatch it refuses).
 */
export async function mintCertificate(dir: string, request: CertificateRequest): Promise<void> {
  const temporary = `.${request.name}.new`;
  const names = [...request.uris.map((uri) => `URI:${uri}`), ...request.hosts.map((host) => (net.isIP(host) === 0 ? `DNS:${host}` : `IP:${host}`))];
  const usage = { server: 'serverAuth', client: 'clientAuth', 'server-and-client': 'serverAuth, clientAuth' }[request.use];
  const extensions = [
    `subjectAltName = ${names.join(', ')}`,
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    `extendedKeyUsage = ${usage}`,
    'authorityKeyIdentifier = keyid',
    'subjectKeyIdentifier = hash',
    '',
  ].join('\n');
  const now = Date.now();
  const notBefore = request.notBefore ?? new Date(now - backdateMs);
  const notAfter = request.notAfter ?? new Date(now + defaultValidityDays * 24 * 60 * 60 * 1000);
  const ca = certificatePaths(dir, caName);
  try {
    await writeFile(path.join(dir, `${temporary}.ext`), extensions);
    await openssl(dir, [
      'req',
      '-new',
      ...ecKey,
      '-keyout',
      `${temporary}.key`,
      '-out',
      `${temporary}.csr`,
      '-subj',
      `/CN=${request.commonName}`,
      '-config',
      '.ca/openssl.cnf',
    ]);
    await chmod(path.join(dir, `${temporary}.key`), 0o600);
    await openssl(dir, [
      'ca',
      '-batch',
      '-config',
      '.ca/openssl.cnf',
      '-cert',
      ca.cert,
      '-keyfile',
      ca.key,
      '-in',
      `${temporary}.csr`,
      '-out',
      `${temporary}.crt`,
      '-startdate',
      opensslTime(notBefore),
      '-enddate',
      opensslTime(notAfter),
      '-extfile',
      `${temporary}.ext`,
      '-notext',
      '-rand_serial',
    ]);
    const target = certificatePaths(dir, request.name);
    await rename(path.join(dir, `${temporary}.key`), target.key);
    await rename(path.join(dir, `${temporary}.crt`), target.cert);
  } finally {
    await Promise.all(['ext', 'csr', 'key', 'crt'].map((extension) => rm(path.join(dir, `${temporary}.${extension}`), { force: true })));
  }
}

/** A member's certificate: its identity, and the hosts it is dialled at besides loopback. */
export function nodeCertificateRequest(clusterId: ClusterId, id: string, hosts: readonly string[]): CertificateRequest {
  const allHosts = [...new Set([...hosts, ...loopbackHosts])];
  return { name: id, commonName: id, uris: [nodeIdentityUri(clusterId, id)], hosts: allHosts, use: 'server-and-client' };
}

export function clientCertificateRequest(clusterId: ClusterId, role: AdminRole): CertificateRequest {
  return { name: role, commonName: role, uris: [roleUri(clusterId, role)], hosts: [], use: 'client' };
}

export interface ClusterCertificates {
  readonly dir: string;
  readonly clusterId: ClusterId;
  /** Every member, with the hosts (besides loopback) its certificate must be valid for. */
  readonly nodes: ReadonlyMap<string, readonly string[]>;
  /** Names (`n2`, `operator`...) to mint again even though their files exist. */
  readonly renew?: ReadonlySet<string>;
  readonly validityDays?: number;
}

/**
 * Everything a cluster needs: the CA unless present, then each node's certificate and the
 * operator and reader client certificates that are missing (or asked to be renewed, or all of
 * them when the CA is new). Answers
 * the names it minted, the CA as `ca`.
 */
export async function mintClusterCertificates(request: ClusterCertificates): Promise<string[]> {
  const minted: string[] = [];
  await mkdir(request.dir, { recursive: true });
  // A new CA makes every certificate of the old one useless: all are minted anew.
  const newAuthority = await ensureCertificateAuthority(request.dir, `heartbeat-cluster ${request.clusterId} CA`);
  if (newAuthority) minted.push(caName);
  const notAfter = request.validityDays === undefined ? undefined : new Date(Date.now() + request.validityDays * 24 * 60 * 60 * 1000);
  const wanted = [
    ...[...request.nodes].map(([id, hosts]) => nodeCertificateRequest(request.clusterId, id, hosts)),
    ...clientCertificateNames.map((role) => clientCertificateRequest(request.clusterId, role)),
  ];
  for (const certificate of wanted) {
    const present = await exists(certificatePaths(request.dir, certificate.name).cert);
    if (present && !newAuthority && request.renew?.has(certificate.name) !== true) continue;
    await mintCertificate(request.dir, notAfter === undefined ? certificate : { ...certificate, notAfter });
    minted.push(certificate.name);
  }
  return minted;
}
