import type * as grpc from '@grpc/grpc-js';

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
