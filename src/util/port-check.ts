import net from 'node:net';

export type PortStatus = { readonly free: true } | { readonly free: false; readonly reason: string };

/**
 * Whether a TCP port can be listened on, found by briefly listening on it. Another process may
 * take the port between this check and its real use; the check exists to refuse early, with a
 * clear message, in the common case of a cluster that is already running.
 */
export function checkPort(host: string, port: number): Promise<PortStatus> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ free: false, reason: describeListenError(error) });
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve({ free: true }));
    });
  });
}

function describeListenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'already in use';
    case 'EACCES':
      return 'not permitted for this user';
    case 'EADDRNOTAVAIL':
      return 'on an address this machine does not have';
    default:
      return error.message;
  }
}
