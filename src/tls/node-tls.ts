import type { SecureVersion } from 'node:tls';
import type { ClusterId, NodeId } from '../core/ids.ts';
import { certifiesNode, nodeIdentityUri } from './certificate-identity.ts';
import { ReloadableTls } from './reloadable-tls.ts';
import { nodeTlsVersion, validity, type TlsMaterial } from './tls-material.ts';
import type { NodeTlsOptions } from './tls-options.ts';

/** A node's TLS files, read and checked, ready to serve and to be reloaded. */
export interface NodeTls {
  /** Mutual TLS on peer links; null when they are plaintext. */
  readonly peer: ReloadableTls | null;
  /** The admin API's, health's and metrics' certificate; null when they are plaintext. */
  readonly server: ReloadableTls | null;
  readonly clientCertAuth: boolean;
  readonly minVersion: SecureVersion;
}

export type OpenNodeTlsResult = { readonly ok: true; readonly tls: NodeTls } | { readonly ok: false; readonly problems: readonly string[] };

const peerLabels = { cert: '--peer-cert-file', key: '--peer-key-file', ca: '--peer-trusted-ca-file' };
const serverLabels = { cert: '--cert-file', key: '--key-file', ca: '--trusted-ca-file' };

/**
 * Reads every TLS file the options name and checks them (see `loadTlsFiles`), and that the peer
 * certificate names this node: the other members would refuse it otherwise.
 */
export function openNodeTls(options: NodeTlsOptions, clusterId: ClusterId, self: NodeId, now: Date = new Date()): OpenNodeTlsResult {
  const problems: string[] = [];
  let peer: ReloadableTls | null = null;
  if (options.peer !== null) {
    const certFile = options.peer.certFile;
    const namesSelf = ({ certificate }: TlsMaterial): string | null =>
      certifiesNode(certificate.subjectAltName, clusterId, self)
        ? null
        : `${peerLabels.cert} ${certFile} is not this node's: it must name ${nodeIdentityUri(clusterId, self)} as a URI SAN ` +
          `(it names ${certificate.subjectAltName ?? 'nothing'}); mint one with \`npm run certs\``;
    const opened = ReloadableTls.open(options.peer, peerLabels, 'server-and-client', { now, check: namesSelf });
    if (opened.ok) peer = opened.tls;
    else problems.push(...opened.problems);
  }
  let server: ReloadableTls | null = null;
  if (options.server !== null) {
    const opened = ReloadableTls.open(options.server, serverLabels, 'server', { now });
    if (opened.ok) server = opened.tls;
    else problems.push(...opened.problems);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, tls: { peer, server, clientCertAuth: options.clientCertAuth, minVersion: nodeTlsVersion(options.minVersion) } };
}

/** What one SIGHUP (or `reloadCertificates()`) did to one part. */
export type TlsReloadReport =
  | { readonly part: 'peer' | 'server'; readonly ok: true; readonly changed: boolean; readonly serial: string; readonly validUntil: string }
  | { readonly part: 'peer' | 'server'; readonly ok: false; readonly problems: readonly string[] };

/**
 * Reads every part's files again. A part whose files are good serves them to new connections from
 * now on; one whose files are not keeps the previous ones, and says why. A new peer certificate
 * must still name this node (the check given at `openNodeTls`).
 */
export function reloadNodeTls(tls: NodeTls, now: Date = new Date()): TlsReloadReport[] {
  const parts = [
    { part: 'peer' as const, source: tls.peer },
    { part: 'server' as const, source: tls.server },
  ];
  return parts.flatMap(({ part, source }): TlsReloadReport[] => {
    if (source === null) return [];
    const outcome = source.reload(now);
    if (!outcome.ok) return [{ part, ok: false, problems: outcome.problems }];
    const { certificate } = outcome.material;
    return [{ part, ok: true, changed: outcome.changed, serial: certificate.serialNumber, validUntil: validity(certificate).to.toISOString() }];
  });
}
