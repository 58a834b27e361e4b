/**
 * A node's TLS flags, named as etcd names them, and the rules that make a configuration whole.
 * node-options.ts lists them among the node's flags and calls `readNodeTlsOptions`.
 */
import type { TlsFiles, TlsVersion } from './tls-material.ts';
import { tlsVersions } from './tls-material.ts';

export const tlsFlags = [
  { name: 'peer-cert-file', placeholder: '<file>', description: "this node's certificate for peer links, as server and as client (PEM; with the two below)" },
  { name: 'peer-key-file', placeholder: '<file>', description: 'its private key (PEM, unencrypted)' },
  {
    name: 'peer-trusted-ca-file',
    placeholder: '<file>',
    description: "CA certificates peers' certificates must chain to; peer links are then mutual TLS only",
  },
  { name: 'cert-file', placeholder: '<file>', description: 'certificate of the admin API, health service and metrics, which then need TLS (PEM)' },
  { name: 'key-file', placeholder: '<file>', description: 'its private key (PEM, unencrypted)' },
  {
    name: 'client-cert-auth',
    placeholder: '',
    description: 'admin and metrics clients need a certificate from --trusted-ca-file; it gives their role (env: true or false)',
  },
  { name: 'trusted-ca-file', placeholder: '<file>', description: "CA certificates admin clients' certificates must chain to" },
  { name: 'tls-min-version', placeholder: `<${tlsVersions.join('|')}>`, description: 'lowest TLS version the node accepts (default TLS1.2)' },
] as const;

export type TlsFlagName = (typeof tlsFlags)[number]['name'];

/** Flags that take no value. */
export const tlsBooleanFlags: readonly TlsFlagName[] = ['client-cert-auth'];

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

/** Where a setting came from (`--flag` or `HBC_FLAG`) and its value. */
export interface TlsSetting {
  readonly value: string;
  readonly source: string;
}

/**
 * Reads the TLS flags through `setting` (flag or environment variable), adding a problem for each
 * part of a half-made configuration, each saying what is missing. Answers undefined when there
 * were problems.
 */
export function readNodeTlsOptions(setting: (name: TlsFlagName) => TlsSetting | undefined, problems: string[]): NodeTlsOptions | undefined {
  const before = problems.length;
  const peerNames = ['peer-cert-file', 'peer-key-file', 'peer-trusted-ca-file'] as const;
  const [peerCert, peerKey, peerCa] = peerNames.map(setting);
  const peerGiven = [peerCert, peerKey, peerCa].filter((found) => found !== undefined);
  let peer: TlsFiles | null = null;
  if (peerCert !== undefined && peerKey !== undefined && peerCa !== undefined) {
    peer = { certFile: peerCert.value, keyFile: peerKey.value, caFile: peerCa.value };
  } else if (peerGiven.length > 0) {
    const missing = peerNames.filter((_, index) => [peerCert, peerKey, peerCa][index] === undefined).map((name) => `--${name}`);
    problems.push(
      `peer TLS is half-configured: ${peerGiven.map((found) => found.source).join(' and ')} ${peerGiven.length === 1 ? 'is' : 'are'} set ` +
        `but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing: give all three for mutual TLS between peers, or none for plaintext`,
    );
  }

  const certFile = setting('cert-file');
  const keyFile = setting('key-file');
  const trustedCa = setting('trusted-ca-file');
  const clientCertAuthSetting = setting('client-cert-auth');
  let clientCertAuth = false;
  if (clientCertAuthSetting !== undefined) {
    if (clientCertAuthSetting.value === 'true') clientCertAuth = true;
    else if (clientCertAuthSetting.value !== 'false')
      problems.push(`${clientCertAuthSetting.source} must be true or false (got ${JSON.stringify(clientCertAuthSetting.value)})`);
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const [given, missing] = certFile === undefined ? [keyFile, 'cert-file'] : [certFile, 'key-file'];
    problems.push(
      `admin TLS is half-configured: ${given?.source} is set but --${missing} is missing: give both (or neither, for a plaintext admin API on loopback)`,
    );
  }
  if (clientCertAuth && trustedCa === undefined) {
    problems.push(`${clientCertAuthSetting?.source} needs --trusted-ca-file: the CA whose client certificates the admin API accepts`);
  }
  if (trustedCa !== undefined && !clientCertAuth) {
    problems.push(`${trustedCa.source} is only used to check client certificates: add --client-cert-auth, or drop ${trustedCa.source}`);
  }
  if ((clientCertAuth || trustedCa !== undefined) && certFile === undefined && keyFile === undefined) {
    problems.push('client certificates need TLS on the admin API: give --cert-file and --key-file (the server certificate)');
  }
  const server: TlsFiles | null =
    certFile !== undefined && keyFile !== undefined
      ? { certFile: certFile.value, keyFile: keyFile.value, caFile: clientCertAuth && trustedCa !== undefined ? trustedCa.value : null }
      : null;

  const minVersionSetting = setting('tls-min-version');
  let minVersion: TlsVersion = 'TLS1.2';
  if (minVersionSetting !== undefined) {
    const chosen = tlsVersions.find((version) => version === minVersionSetting.value);
    if (chosen === undefined)
      problems.push(`${minVersionSetting.source} must be one of ${tlsVersions.join(', ')} (got ${JSON.stringify(minVersionSetting.value)})`);
    else minVersion = chosen;
    if (peerGiven.length === 0 && certFile === undefined && keyFile === undefined) {
      problems.push(`${minVersionSetting.source} has nothing to apply to: TLS is off (give --peer-cert-file... or --cert-file...)`);
    }
  }
  return problems.length > before ? undefined : { peer, server, clientCertAuth, minVersion };
}
