import * as grpc from '@grpc/grpc-js';
import type { ClusterId } from '../core/ids.ts';
import { adminRoleOf, roleAllows, roleUri, type AdminRole } from '../tls/certificate-identity.ts';
import { describeCertificate, type ClientCertificate } from '../tls/tls-grpc-listener.ts';

/**
 * What a reader may call: everything that only looks. Every other call needs the operator role:
 * the ones that change the cluster (StepDown, TransferLeadership, Partition, Heal, SetDelay), any
 * method added later until it is listed here, and WaitForLease. A lease token is not a reading:
 * the node promises its holder that no other node holds the lease for its validity, and makes
 * every later step-down, transfer and SIGTERM hand-off wait until the tokens it gave have run out.
 * A client that asks for tokens steers what operators' commands do, and acting under the lease
 * (writing to a fenced resource on the leader's behalf) is what an application is trusted with,
 * which a dashboard or a probe must not be.
 */
const readerMethods: ReadonlySet<string> = new Set([
  '/heartbeat.admin.v1.Admin/Status',
  '/heartbeat.admin.v1.Admin/Watch',
  '/heartbeat.admin.v1.Admin/GetLeader',
  '/heartbeat.admin.v1.Admin/Members',
  '/heartbeat.admin.v1.Admin/WatchLease',
  '/grpc.health.v1.Health/Check',
  '/grpc.health.v1.Health/Watch',
  '/grpc.health.v1.Health/List',
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
]);

export function requiredRole(methodPath: string): AdminRole {
  return readerMethods.has(methodPath) ? 'reader' : 'operator';
}

/** `Status`, `grpc.health.v1.Health/Check`: what a refusal calls the method. */
function methodName(path: string): string {
  return path.startsWith('/heartbeat.admin.v1.Admin/') ? path.slice('/heartbeat.admin.v1.Admin/'.length) : path.slice(1);
}

/**
 * Null when `client` has the role `needed`; otherwise the refusal's text, naming the role and
 * what `call` (a method, `GET /metrics`) would need to change.
 */
export function accessRefusal(call: string, needed: AdminRole, client: ClientCertificate, clusterId: ClusterId): string | null {
  if (!client.trusted) {
    return `${call} needs the ${needed} role, which a client certificate from this node's trusted CA grants; ${client.problem} (hbctl: --cert and --key)`;
  }
  const granted = adminRoleOf(client.certificate.subjectaltname, clusterId);
  if (roleAllows(granted, needed)) return null;
  const has =
    granted === null
      ? `grants no role here: it names neither ${roleUri(clusterId, 'reader')} nor ${roleUri(clusterId, 'operator')}`
      : `grants only the ${granted} role`;
  return `${call} needs the ${needed} role; the client certificate (${describeCertificate(client.certificate)}) ${has}`;
}

/**
 * Refuses, with PERMISSION_DENIED, every call whose client certificate does not grant the role
 * the method needs, before any handler sees it; `refused` hears each refusal (to count and log).
 */
export function accessInterceptor(
  clusterId: ClusterId,
  clientCertificate: (call: grpc.ServerInterceptingCallInterface) => ClientCertificate,
  refused: (method: string, details: string, peer: string) => void,
): grpc.ServerInterceptor {
  return (method, call) => {
    const details = accessRefusal(methodName(method.path), requiredRole(method.path), clientCertificate(call), clusterId);
    if (details === null) return new grpc.ServerInterceptingCall(call);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: () => {
            refused(methodName(method.path), details, call.getPeer());
            call.sendStatus({ code: grpc.status.PERMISSION_DENIED, details });
          },
        });
      },
    });
  };
}
