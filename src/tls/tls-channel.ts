import net from 'node:net';
import tls, { type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { parseHostPort } from '../util/host-port.ts';
import { uriNames } from './certificate-identity.ts';
import type { ReloadableTls } from './reloadable-tls.ts';

/** How a channel dials over TLS: its credentials and the channel options they need. */
export interface SecureChannel {
  readonly credentials: grpc.ChannelCredentials;
  readonly options: grpc.ChannelOptions;
}

/** PEM contents of what a client presents and trusts. */
export interface ClientTlsMaterial {
  readonly ca: Buffer;
  /** With `key`: the client certificate, for servers that ask for one. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/**
 * Sent as the TLS server name when the address is an IP: grpc-js would send the IP itself, which
 * RFC 6066 forbids (Node prints a deprecation warning for it). `.invalid` is reserved (RFC 6761),
 * so it can never name a real host; the certificate is still checked against the IP itself.
 */
const serverNameForIpTargets = 'heartbeat-cluster.invalid';

/**
 * Checks the server's certificate against the address dialled (its DNS or IP SAN), and, when
 * `expectedIdentity` is given, that it also names that identity as a URI SAN: a peer link to n2
 * must reach a server whose certificate says it is n2, not merely one the CA trusts.
 */
function serverCheck(address: string, expectedIdentity: string | null): (hostname: string, certificate: PeerCertificate) => Error | undefined {
  const parsed = parseHostPort(address);
  const host = parsed.ok ? parsed.address.host : address;
  return (_hostname, certificate) => {
    const hostProblem = tls.checkServerIdentity(host, certificate);
    if (hostProblem !== undefined) return hostProblem;
    if (expectedIdentity === null || uriNames(certificate.subjectaltname).includes(expectedIdentity)) return undefined;
    const named = uriNames(certificate.subjectaltname);
    return new Error(`the certificate at ${address} names ${named.length === 0 ? 'no identity' : named.join(', ')}, not ${expectedIdentity}`);
  };
}

function channelOptions(address: string): grpc.ChannelOptions {
  const parsed = parseHostPort(address);
  return parsed.ok && net.isIP(parsed.address.host) !== 0 ? { 'grpc.ssl_target_name_override': serverNameForIpTargets } : {};
}

/**
 * A peer link's channel: this node's certificate and CA as they are at each connection (so a
 * reconnect after a rotation presents the new certificate), and the server must be `expectedIdentity`.
 */
export function peerChannel(address: string, source: ReloadableTls, expectedIdentity: string): SecureChannel {
  return {
    credentials: grpc.experimental.createCertificateProviderChannelCredentials(source, source, {
      checkServerIdentity: serverCheck(address, expectedIdentity),
    }),
    options: channelOptions(address),
  };
}

/** A client's channel to a node's admin API (or any TLS server of a node): the server is checked against `address`. */
export function clientChannel(address: string, material: ClientTlsMaterial): SecureChannel {
  return {
    credentials: grpc.credentials.createSsl(material.ca, material.key ?? null, material.cert ?? null, { checkServerIdentity: serverCheck(address, null) }),
    options: channelOptions(address),
  };
}
