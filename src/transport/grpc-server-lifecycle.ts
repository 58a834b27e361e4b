import * as grpc from '@grpc/grpc-js';

/** Serves `server` in plaintext on `address` (`host:port`; port 0 picks one); resolves with the port bound. */
export function bindPlaintext(server: grpc.Server, address: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
}

/**
 * Lets in-flight calls finish, but no longer than `graceMs`: streams that never end on their own
 * (watches, health watches) are then cut off so that shutdown always completes.
 */
export function shutdownGrpcServer(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
