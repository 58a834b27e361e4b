/** A TCP endpoint as written on command lines and in cluster.json: `host:port`, or `[v6]:port` for IPv6. */
export interface HostPort {
  /** Without brackets, even for IPv6. */
  readonly host: string;
  readonly port: number;
}

export type ParseHostPortResult = { readonly ok: true; readonly address: HostPort } | { readonly ok: false; readonly problem: string };

const hostnameOrIpv4 = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const ipv6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;
const portDigits = /^\d{1,5}$/;

/** Parses `host:port`. The problem text quotes the input, so callers only need to say where it came from. */
export function parseHostPort(raw: string): ParseHostPortResult {
  const example = 'e.g. 127.0.0.1:7400';
  const separator = raw.lastIndexOf(':');
  if (separator <= 0) return { ok: false, problem: `${JSON.stringify(raw)} is not host:port (${example})` };
  let host = raw.slice(0, separator);
  const portText = raw.slice(separator + 1);
  if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1);
    if (!ipv6.test(host)) return { ok: false, problem: `${JSON.stringify(raw)} has an invalid IPv6 address (${example}, or [::1]:7400)` };
  } else if (!hostnameOrIpv4.test(host)) {
    return {
      ok: false,
      problem: `${JSON.stringify(raw)} has an invalid host: use a hostname or IP address (${example}; write IPv6 addresses as [::1]:7400)`,
    };
  }
  const port = Number(portText);
  if (!portDigits.test(portText) || port < 1 || port > 65535) {
    return { ok: false, problem: `${JSON.stringify(raw)} has an invalid port: it must be a whole number from 1 to 65535 (${example})` };
  }
  return { ok: true, address: { host, port } };
}

export function formatHostPort(address: HostPort): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Host names are case-insensitive, so `LOCALHOST:1` and `localhost:1` are the same endpoint. */
export function sameHostPort(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}

/** Hosts that mean "every local interface" when listening. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
