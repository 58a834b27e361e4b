/**
 * Who a certificate says its holder is. Identities are URI subject alternative names, scoped by
 * cluster so that one CA can serve several clusters without a certificate of one being valid in
 * another:
 *
 * - a member: `hbc://<cluster-id>/node/<node-id>`;
 * - an admin client: `hbc://<cluster-id>/role/reader` or `hbc://<cluster-id>/role/operator`.
 *
 * URI SANs rather than the common name: a certificate has one CN and it is conventionally a host
 * name (which RFC 6125 no longer uses for identity), whereas SANs hold the identity beside the
 * DNS and IP names that hostname verification needs, and are what SPIFFE-style identities use.
 */
import type { ClusterId, NodeId } from '../core/ids.ts';

export const adminRoles = ['reader', 'operator'] as const;
/** `reader`: the calls that only look; `operator`: those too, and every call that changes the cluster. */
export type AdminRole = (typeof adminRoles)[number];

const scheme = 'hbc://';

export function nodeIdentityUri(clusterId: ClusterId, id: NodeId | string): string {
  return `${scheme}${clusterId}/node/${id}`;
}

export function roleUri(clusterId: ClusterId | string, role: AdminRole): string {
  return `${scheme}${clusterId}/role/${role}`;
}

/**
 * The URI names in a certificate's `subjectaltname` as Node.js renders it:
 * `URI:hbc://local/node/n1, IP Address:127.0.0.1, DNS:localhost`. Node quotes a value that holds
 * a comma or quote as a JSON string; no identity of ours can contain either.
 */
export function uriNames(subjectAltName: string | undefined): string[] {
  if (subjectAltName === undefined || subjectAltName === '') return [];
  return subjectAltName
    .split(', ')
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice('URI:'.length));
}

/** Whether the certificate names `id` as a member of `clusterId`. */
export function certifiesNode(subjectAltName: string | undefined, clusterId: ClusterId, id: NodeId | string): boolean {
  return uriNames(subjectAltName).includes(nodeIdentityUri(clusterId, id));
}

/** The node ids of `clusterId` a certificate names (normally one), for messages. */
export function certifiedNodes(subjectAltName: string | undefined, clusterId: ClusterId): string[] {
  const prefix = `${scheme}${clusterId}/node/`;
  return uriNames(subjectAltName)
    .filter((uri) => uri.startsWith(prefix))
    .map((uri) => uri.slice(prefix.length));
}

/** The strongest admin role a certificate grants in `clusterId`; null when it names none. */
export function adminRoleOf(subjectAltName: string | undefined, clusterId: ClusterId): AdminRole | null {
  const uris = uriNames(subjectAltName);
  if (uris.includes(roleUri(clusterId, 'operator'))) return 'operator';
  if (uris.includes(roleUri(clusterId, 'reader'))) return 'reader';
  return null;
}

/** Operator includes everything a reader may do. */
export function roleAllows(granted: AdminRole | null, needed: AdminRole): boolean {
  if (granted === null) return false;
  return granted === 'operator' || needed === 'reader';
}
