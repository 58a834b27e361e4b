/**
 * A node's TLS flags, named as etcd names them, and the rules that make a configuration whole.
 * node-options.ts lists them among the node's flags and calls `readNodeTlsOptions` for the checks across them.
 */
import { anyText, booleanFlag, choice, stringFlag } from '../command-line/flag.ts';
import type { Args } from '../command-line/read-args.ts';
import type { TlsFiles, TlsVersion } from './tls-material.ts';
import { tlsVersions } from './tls-material.ts';

/** Each with its HBC_* variable, as every node flag has. */
export const tlsFlags = {
  peerCertFile: stringFlag({
    name: 'peer-cert-file',
    placeholder: '<file>',
    env: 'HBC_PEER_CERT_FILE',
    description: "this node's certificate for peer links, as server and as client (PEM; with the two below)",
    parse: anyText,
  }),
  peerKeyFile: stringFlag({
    name: 'peer-key-file',
    placeholder: '<file>',
    env: 'HBC_PEER_KEY_FILE',
    description: 'its private key (PEM, unencrypted)',
    parse: anyText,
  }),
  peerTrustedCaFile: stringFlag({
    name: 'peer-trusted-ca-file',
    placeholder: '<file>',
    env: 'HBC_PEER_TRUSTED_CA_FILE',
    description: "CA certificates peers' certificates must chain to; peer links are then mutual TLS only",
    parse: anyText,
  }),
  certFile: stringFlag({
    name: 'cert-file',
    placeholder: '<file>',
    env: 'HBC_CERT_FILE',
    description: 'certificate of the admin API, health service and metrics, which then need TLS (PEM)',
    parse: anyText,
  }),
  keyFile: stringFlag({ name: 'key-file', placeholder: '<file>', env: 'HBC_KEY_FILE', description: 'its private key (PEM, unencrypted)', parse: anyText }),
  clientCertAuth: booleanFlag({
    name: 'client-cert-auth',
    env: 'HBC_CLIENT_CERT_AUTH',
    description: 'admin and metrics clients need a certificate from --trusted-ca-file; it gives their role (env: true or false)',
  }),
  trustedCaFile: stringFlag({
    name: 'trusted-ca-file',
    placeholder: '<file>',
    env: 'HBC_TRUSTED_CA_FILE',
    description: "CA certificates admin clients' certificates must chain to",
    parse: anyText,
  }),
  minVersion: stringFlag({
    name: 'tls-min-version',
    placeholder: `<${tlsVersions.join('|')}>`,
    env: 'HBC_TLS_MIN_VERSION',
    description: 'lowest TLS version the node accepts',
    defaultText: 'TLS1.2',
    parse: choice(tlsVersions),
  }),
};

export interface NodeTlsOptions {
  /** Mutual TLS on peer links (client and server); its `caFile` checks the peers. Null: plaintext. */
  readonly peer: TlsFiles | null;
  /** The admin API, health and metrics server's certificate; its `caFile` is set with client-cert auth. Null: plaintext. */
  readonly server: TlsFiles | null;
  /** Admin and metrics clients must present a certificate from `server.caFile`; it carries their role. */
  readonly clientCertAuth: boolean;
  readonly minVersion: TlsVersion;
}

export const plaintext: NodeTlsOptions = { peer: null, server: null, clientCertAuth: false, minVersion: 'TLS1.2' };

/**
 * Reads the TLS flags, adding a problem for each part of a half-made configuration, each saying
 * what is missing. Answers undefined when there were problems (a value refused included).
 */
export function readNodeTlsOptions(args: Args, problems: string[]): NodeTlsOptions | undefined {
  const before = problems.length;
  const peerFlags = [tlsFlags.peerCertFile, tlsFlags.peerKeyFile, tlsFlags.peerTrustedCaFile] as const;
  const [peerCert, peerKey, peerCa] = peerFlags.map((flag) => args.value(flag));
  const peerGiven = peerFlags.flatMap((flag) => args.source(flag) ?? []);
  let peer: TlsFiles | null = null;
  if (peerCert !== undefined && peerKey !== undefined && peerCa !== undefined) {
    peer = { certFile: peerCert, keyFile: peerKey, caFile: peerCa };
  } else if (peerGiven.length > 0) {
    const missing = peerFlags.filter((flag) => args.source(flag) === undefined).map((flag) => `--${flag.name}`);
    problems.push(
      `peer TLS is half-configured: ${peerGiven.join(' and ')} ${peerGiven.length === 1 ? 'is' : 'are'} set ` +
        `but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing: give all three for mutual TLS between peers, or none for plaintext`,
    );
  }

  const certFile = args.value(tlsFlags.certFile);
  const keyFile = args.value(tlsFlags.keyFile);
  const trustedCa = args.source(tlsFlags.trustedCaFile);
  const clientCertAuthSource = args.source(tlsFlags.clientCertAuth);
  const clientCertAuth = args.value(tlsFlags.clientCertAuth, false);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const [given, missing] = certFile === undefined ? [args.source(tlsFlags.keyFile), 'cert-file'] : [args.source(tlsFlags.certFile), 'key-file'];
    problems.push(`admin TLS is half-configured: ${given} is set but --${missing} is missing: give both (or neither, for a plaintext admin API on loopback)`);
  }
  if (clientCertAuth && trustedCa === undefined) {
    problems.push(`${clientCertAuthSource} needs --trusted-ca-file: the CA whose client certificates the admin API accepts`);
  }
  if (trustedCa !== undefined && !clientCertAuth && args.valid(tlsFlags.clientCertAuth)) {
    problems.push(`${trustedCa} is only used to check client certificates: add --client-cert-auth, or drop ${trustedCa}`);
  }
  if ((clientCertAuth || trustedCa !== undefined) && certFile === undefined && keyFile === undefined) {
    problems.push('client certificates need TLS on the admin API: give --cert-file and --key-file (the server certificate)');
  }
  const trustedCaFile = args.value(tlsFlags.trustedCaFile);
  const server: TlsFiles | null =
    certFile !== undefined && keyFile !== undefined
      ? { certFile, keyFile, caFile: clientCertAuth && trustedCaFile !== undefined ? trustedCaFile : null }
      : null;

  const minVersionSource = args.source(tlsFlags.minVersion);
  if (minVersionSource !== undefined && peerGiven.length === 0 && certFile === undefined && keyFile === undefined) {
    problems.push(`${minVersionSource} has nothing to apply to: TLS is off (give --peer-cert-file... or --cert-file...)`);
  }
  const minVersion: TlsVersion = args.value(tlsFlags.minVersion, 'TLS1.2');
  const refused = !args.valid(...Object.values(tlsFlags));
  return problems.length > before || refused ? undefined : { peer, server, clientCertAuth, minVersion };
}
