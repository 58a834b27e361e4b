import { setTimeout as delay } from 'node:timers/promises';
import type { SecureVersion } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatus } from 'grpc-health-check';
import { assertNever } from '../core/assert-never.ts';
import type { NodeId } from '../core/ids.ts';
import type { NodeDriver, NodeEvent } from '../runtime/node-driver.ts';
import { getServiceConstructor, loadProto, loadProtoDefinition, PROTO_LOADER_OPTIONS } from '../transport/proto-loader.ts';
import { bindPlaintext, shutdownGrpcServer } from '../transport/grpc-server-lifecycle.ts';
import type { ReloadableTls } from '../tls/reloadable-tls.ts';
import { TlsGrpcListener } from '../tls/tls-grpc-listener.ts';
import { parseHostPort } from '../util/host-port.ts';
import { RateLimiter } from '../util/rate-limiter.ts';
import { accessInterceptor } from './admin-access.ts';
import type { AdminContext } from './admin-context.ts';
import {
  parseHealRequest,
  parsePartitionRequest,
  parseSetDelayRequest,
  parseTransferLeadershipRequest,
  parseWaitForLeaseRequest,
  type AdminRequestRejection,
  type AdminRequestResult,
} from './admin-requests.ts';
import { encodeFaults, encodeGetLeader, encodeMembers, encodeLeaseState, encodeLeaseToken, encodeNodeEvent, encodeStatus } from './admin-wire.ts';
import type { FaultsResponse__Output as WireFaultsResponse } from '../generated/heartbeat/admin/v1/FaultsResponse.ts';
import type { LeaseState__Output as WireLeaseState } from '../generated/heartbeat/admin/v1/LeaseState.ts';
import type { TransferLeadershipResponse__Output as WireTransferResponse } from '../generated/heartbeat/admin/v1/TransferLeadershipResponse.ts';
import type { WaitForLeaseResponse__Output as WireLeaseToken } from '../generated/heartbeat/admin/v1/WaitForLeaseResponse.ts';

export const ADMIN_SERVICE_NAME = 'heartbeat.admin.v1.Admin';
/** Health-check service names: the whole node, and "this node holds the leader lease". */
export const NODE_HEALTH_SERVICE = '';
export const LEADER_HEALTH_SERVICE = 'leader';

export type AdminServerStart = { readonly ok: true; readonly port: number } | { readonly ok: false; readonly message: string };

/** The admin API over TLS; with `clientCertAuth`, each call needs the role its client certificate grants (see admin-access.ts). */
export interface AdminTlsSettings {
  readonly source: ReloadableTls;
  readonly minVersion: SecureVersion;
  /** Clients must present a certificate that chains to `source`'s CA. */
  readonly clientCertAuth: boolean;
}

/** Refused calls and handshakes are logged at most this often per kind. */
const REFUSAL_LOG_INTERVAL_MS = 1000;

/** How long `close()` lets in-flight calls finish before cutting them off. */
const SHUTDOWN_GRACE_MS = 500;

type DriverRefusal = Extract<Awaited<ReturnType<NodeDriver['transferLeadership'] | NodeDriver['stepDown']>>, { ok: false }>;

/** Ends an open stream or pending wait with the given status. */
type Interrupt = (status: grpc.StatusObject) => void;

/**
 * What a server stream sends: an optional first message, then one per driver event that calls
 * for it; `next(null)` asks again after a change of the admin server's own state (a hand-off).
 */
interface StreamFeed<T> {
  readonly first: T | null;
  readonly next: (event: NodeEvent | null) => T | null;
}

function accept<T>(value: T): AdminRequestResult<T> {
  return { ok: true, value };
}

function refuse(code: grpc.status, message: string): AdminRequestRejection {
  return { ok: false, code, message };
}

function statusOf(code: grpc.status, details: string): grpc.StatusObject {
  return { code, details, metadata: new grpc.Metadata() };
}

function shuttingDown(): grpc.StatusObject {
  return statusOf(grpc.status.UNAVAILABLE, 'the admin server is shutting down');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeBindFailure(address: string, error: unknown): string {
  const message = errorMessage(error);
  if (message.includes('EADDRINUSE')) {
    return `admin address ${address} is already in use: stop whatever listens there or choose another admin address`;
  }
  return `cannot serve the admin API on ${address}: ${message}`;
}

function adminServiceDefinition(): grpc.ServiceDefinition {
  return getServiceConstructor(loadProto('admin.proto'), ADMIN_SERVICE_NAME).service;
}

/**
 * Adds server reflection (grpc.reflection.v1 and v1alpha) of the admin and health services, so
 * that grpcurl and other gRPC tools list, describe and call them without the .proto files. It is
 * loaded once the server listens: it serves tools, not the cluster, and loading it is about a
 * fifth of a node's start-up.
 */
async function addReflection(server: grpc.Server): Promise<void> {
  const { ReflectionService } = await import('@grpc/reflection');
  const health = protoLoader.loadSync(healthProtoPath, PROTO_LOADER_OPTIONS);
  new ReflectionService({ ...loadProtoDefinition('admin.proto'), ...health }).addToServer(server);
}

/**
 * Serves admin.proto, the standard gRPC health service and server reflection on one address. Handlers never throw
 * into grpc: refusals are answered with their status code, bugs with INTERNAL.
 *
 * Health: "" is SERVING from `start()` until `close()` begins; "leader" is SERVING exactly while
 * this node holds the lease. The core announces every lease gain and loss (expiry included, from
 * its own timer), so "leader" follows driver events; each Check also re-reads the lease, closing
 * the short gap between a lease running out and the core's timer announcing it.
 */
export class AdminServer {
  private readonly context: AdminContext;
  private readonly health = new HealthImplementation({
    [NODE_HEALTH_SERVICE]: 'NOT_SERVING',
    [LEADER_HEALTH_SERVICE]: 'NOT_SERVING',
  });
  private leaderHealth: ServingStatus = 'NOT_SERVING';
  private readonly interrupts = new Set<Interrupt>();
  /** Each open stream's `next(null)`. */
  private readonly refreshers = new Set<() => void>();
  /** Until when, on the node's clock, the lease tokens handed out by WaitForLease promise the lease. */
  private promisedUntil = -Infinity;
  /** Hand-offs waiting for those promises to run out (see `handOver`). */
  private handOvers = 0;
  private server: grpc.Server | null = null;
  private listener: TlsGrpcListener | null = null;
  private readonly refusalLog = new RateLimiter(REFUSAL_LOG_INTERVAL_MS);
  private unsubscribeHealth: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private reflection: Promise<void> = Promise.resolve();

  constructor(context: AdminContext) {
    this.context = context;
  }

  /** Binds `address` (`host:port`; port 0 picks a free one) and starts serving, over TLS unless `tls` is null. */
  async start(address: string, tls: AdminTlsSettings | null = null): Promise<AdminServerStart> {
    if (this.server !== null || this.closing !== null) throw new Error('AdminServer: start() called twice or after close()');
    const interceptors =
      tls?.clientCertAuth === true
        ? [
            accessInterceptor(
              this.context.info.clusterId,
              (call) => this.requireListener().clientCertificate(call),
              (method, details, peer) => this.logRefusal(method, details, peer),
            ),
          ]
        : [];
    const server = new grpc.Server({ interceptors });
    server.addService(adminServiceDefinition(), this.implementation());
    this.addHealthService(server);
    this.server = server;
    let port: number;
    try {
      port = tls === null ? await bindPlaintext(server, address) : await this.bindTls(server, address, tls);
    } catch (error) {
      server.forceShutdown();
      this.listener?.close();
      this.listener = null;
      this.server = null;
      return { ok: false, message: describeBindFailure(address, error) };
    }
    if (this.closing !== null) return { ok: false, message: 'the admin server was closed while starting' };
    this.health.setStatus(NODE_HEALTH_SERVICE, 'SERVING');
    this.unsubscribeHealth = this.context.driver.subscribe(() => {
      // Listeners run inside the driver's step loop: nothing may throw back into it.
      try {
        this.refreshLeaderHealth();
      } catch (error) {
        this.context.logger.error({ event: 'admin-internal-error', err: error }, 'could not update the leader health status');
      }
    });
    this.refreshLeaderHealth();
    this.reflection = addReflection(server).catch((error: unknown) =>
      this.context.logger.error({ event: 'admin-internal-error', err: error }, 'cannot serve reflection'),
    );
    this.context.logger.info(
      { event: 'admin-listening', address, port, tls: tls !== null, clientCertAuth: tls?.clientCertAuth ?? false },
      'admin API listening',
    );
    return { ok: true, port };
  }

  private async bindTls(server: grpc.Server, address: string, tls: AdminTlsSettings): Promise<number> {
    const parsed = parseHostPort(address);
    if (!parsed.ok) throw new Error(parsed.problem);
    const listener = new TlsGrpcListener(server, {
      tls: tls.source,
      minVersion: tls.minVersion,
      requestClientCertificate: tls.clientCertAuth,
      onHandshakeFailure: (peer, problem) => this.logRefusal('TLS handshake', problem, peer),
    });
    this.listener = listener;
    const started = await listener.listen(parsed.address.host, parsed.address.port);
    if (!started.ok) throw new Error(started.message);
    return started.port;
  }

  private requireListener(): TlsGrpcListener {
    if (this.listener === null) throw new Error('AdminServer: a call arrived before the TLS listener exists');
    return this.listener;
  }

  /** At most one line per `REFUSAL_LOG_INTERVAL_MS` per kind, saying how many were held back. */
  private logRefusal(what: string, details: string, peer: string): void {
    const suppressed = this.refusalLog.allow(what, performance.now());
    if (suppressed === null) return;
    this.context.logger.warn({ event: 'admin-call-refused', call: what, peer, details, suppressed }, `refused ${what} from ${peer}: ${details}`);
  }

  /** Settles once server reflection is served (see `addReflection`). */
  get reflecting(): Promise<void> {
    return this.reflection;
  }

  /** Reports NOT_SERVING, ends open streams and waits with UNAVAILABLE, then shuts the server down. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.unsubscribeHealth?.();
    this.health.setStatus(NODE_HEALTH_SERVICE, 'NOT_SERVING');
    this.setLeaderHealth('NOT_SERVING');
    for (const interrupt of [...this.interrupts]) interrupt(shuttingDown());
    const server = this.server;
    if (server === null) return;
    await shutdownGrpcServer(server, SHUTDOWN_GRACE_MS);
    this.listener?.close();
  }

  // ---- health ------------------------------------------------------------------------------

  /**
   * grpc-health-check answers Check from the statuses it was given; it registers itself through
   * a `{ addService }` object, which lets Check re-read the lease before the library answers.
   */
  private addHealthService(server: grpc.Server): void {
    this.health.addToServer({
      addService: (service, implementation) => {
        // A unary handler: (call, callback).
        const check = implementation['check'] as ((call: unknown, callback: unknown) => void) | undefined;
        if (check === undefined) throw new Error('grpc-health-check no longer provides a check handler');
        const refreshingCheck = (call: unknown, callback: unknown): void => {
          this.refreshLeaderHealth();
          check(call, callback);
        };
        server.addService(service, {
          ...implementation,
          check: refreshingCheck,
        });
      },
    });
  }

  private refreshLeaderHealth(): void {
    const holdsLease = this.closing === null && this.context.driver.leaseRemainingMs() > 0;
    this.setLeaderHealth(holdsLease ? 'SERVING' : 'NOT_SERVING');
  }

  /** Only actual changes reach the library, which pushes each one to every health watcher. */
  private setLeaderHealth(status: ServingStatus): void {
    if (status === this.leaderHealth) return;
    this.leaderHealth = status;
    this.health.setStatus(LEADER_HEALTH_SERVICE, status);
  }

  // ---- RPCs --------------------------------------------------------------------------------

  private implementation(): grpc.UntypedServiceImplementation {
    return {
      Status: this.unary('Status', () => accept(encodeStatus(this.context))),
      Watch: this.stream('Watch', () => ({ first: null, next: (event) => (event === null ? null : encodeNodeEvent(event)) })),
      StepDown: this.unary('StepDown', () => this.stepDown()),
      TransferLeadership: this.unary('TransferLeadership', (request) => this.transferLeadership(request)),
      Partition: this.unary('Partition', (request) => this.partition(request)),
      Heal: this.unary('Heal', (request) => this.heal(request)),
      SetDelay: this.unary('SetDelay', (request) => this.setDelay(request)),
      GetLeader: this.unary('GetLeader', () => accept(encodeGetLeader(this.context))),
      Members: this.unary('Members', () => accept(encodeMembers(this.context))),
      WaitForLease: this.unary('WaitForLease', (request, call) => this.waitForLease(request, call)),
      WatchLease: this.stream('WatchLease', () => this.leaseFeed()),
    };
  }

  /**
   * Runs a hand-off of leadership (`handOff`: a transfer or a step-down) only once every lease
   * token this node handed out has run out. A transfer lets its target be elected at once,
   * bypassing the stickiness on which the lease's length rests, so a client acting on a token
   * until its end could otherwise overlap the next leader's lease. Meanwhile no token is handed
   * out and WatchLease says the lease is gone, so clients stop at once. The wait is at most one
   * lease (the minimum election timeout), and none when no client asked for a token.
   */
  async handOver<T>(handOff: () => Promise<T>): Promise<T> {
    this.handOvers += 1;
    this.refreshStreams();
    try {
      const waitMs = this.promisedUntil - this.context.clock.now();
      if (waitMs > 0) {
        this.context.logger.info({ event: 'hand-off-waits-for-tokens', waitMs }, 'hand-off waits until the lease tokens handed out run out');
        await delay(waitMs);
      }
      return await handOff();
    } finally {
      this.handOvers -= 1;
      this.refreshStreams();
    }
  }

  private async stepDown(): Promise<AdminRequestResult<WireTransferResponse>> {
    this.context.logger.info({ event: 'admin-step-down' }, 'step-down requested');
    const outcome = await this.handOver(() => this.context.driver.stepDown());
    return outcome.ok ? accept({ target: outcome.target ?? '' }) : this.refusal(outcome, null);
  }

  private async transferLeadership(request: unknown): Promise<AdminRequestResult<WireTransferResponse>> {
    const command = parseTransferLeadershipRequest(request, this.context.info);
    if (!command.ok) return command;
    const { target } = command.value;
    this.context.logger.info({ event: 'admin-transfer', target }, 'leadership transfer requested');
    const outcome = await this.handOver(() => this.context.driver.transferLeadership(target));
    return outcome.ok ? accept({ target: outcome.target }) : this.refusal(outcome, target);
  }

  private partition(request: unknown): AdminRequestResult<WireFaultsResponse> {
    const command = parsePartitionRequest(request, this.context.info);
    if (!command.ok) return command;
    const { peers, direction } = command.value;
    this.context.faults.partition(peers, direction);
    this.context.logger.info({ event: 'admin-partition', peers, direction }, 'partitioned peer links');
    return accept({ faults: encodeFaults(this.context.faults.faults()) });
  }

  private heal(request: unknown): AdminRequestResult<WireFaultsResponse> {
    const command = parseHealRequest(request, this.context.info);
    if (!command.ok) return command;
    const { peers } = command.value;
    this.context.faults.heal(peers);
    this.context.logger.info({ event: 'admin-heal', peers: peers ?? 'all' }, 'healed peer links');
    return accept({ faults: encodeFaults(this.context.faults.faults()) });
  }

  private setDelay(request: unknown): AdminRequestResult<WireFaultsResponse> {
    const command = parseSetDelayRequest(request, this.context.info);
    if (!command.ok) return command;
    const { peers, delayMs, jitterMs } = command.value;
    this.context.faults.setDelay(peers, delayMs, jitterMs);
    this.context.logger.info({ event: 'admin-set-delay', peers, delayMs, jitterMs }, 'delayed peer links');
    return accept({ faults: encodeFaults(this.context.faults.faults()) });
  }

  /**
   * Answers with a token as soon as this node holds the lease. The lease is read from the core
   * every time, never inferred from events alone: the core may already hold it when the event
   * announcing it has not been published yet, and a lease that lapsed and was renewed between
   * two timer ticks comes back without any event. Hence the re-check once per heartbeat interval,
   * the fastest the core renews a lease, besides the re-check on every driver event.
   */
  private waitForLease(
    request: unknown,
    call: grpc.ServerUnaryCall<unknown, WireLeaseToken>,
  ): AdminRequestResult<WireLeaseToken> | Promise<AdminRequestResult<WireLeaseToken>> {
    const command = parseWaitForLeaseRequest(request);
    if (!command.ok) return command;
    const token = this.issueToken();
    if (token !== null) return accept(token);
    const { timeoutMs } = command.value;
    if (timeoutMs === 0) return this.notLeaseHolder();
    const { driver } = this.context;
    return new Promise((resolve) => {
      let done = false;
      /** Settles the call with `answer()` unless that is null (keep waiting). */
      const settle = (answer: () => AdminRequestResult<WireLeaseToken> | null): void => {
        if (done) return;
        let result: AdminRequestResult<WireLeaseToken> | null;
        try {
          result = answer();
        } catch (error) {
          result = this.internal('WaitForLease', error);
        }
        if (result === null) return;
        done = true;
        unsubscribe();
        clearInterval(poll);
        clearTimeout(deadline);
        this.interrupts.delete(interrupt);
        resolve(result);
      };
      const heldToken = (): AdminRequestResult<WireLeaseToken> | null => {
        const held = this.issueToken();
        return held === null ? null : accept(held);
      };
      const recheck = (): void => settle(heldToken);
      const interrupt: Interrupt = (status) => settle(() => refuse(status.code, status.details));
      const unsubscribe = driver.subscribe(recheck);
      const poll = setInterval(recheck, driver.config.heartbeatIntervalMs);
      const deadline = setTimeout(() => settle(() => heldToken() ?? this.notLeaseHolder()), timeoutMs);
      this.interrupts.add(interrupt);
      call.on('cancelled', () => interrupt(statusOf(grpc.status.CANCELLED, 'cancelled by the client')));
    });
  }

  /**
   * First the current lease state, then a message whenever a lease event or role change leaves
   * it different from the last one sent. The state is read when sending: the core may lose and
   * regain the lease within one step (a late timer tick in a one-node cluster), and the pair of
   * events it emits then changes nothing a watcher could act on.
   */
  private leaseFeed(): StreamFeed<WireLeaseState> {
    let last = this.leaseState();
    return {
      first: last,
      next: (change) => {
        const type = change?.event.type;
        if (type !== undefined && type !== 'lease-acquired' && type !== 'lease-lost' && type !== 'role-changed') return null;
        const current = this.leaseState();
        if (current.holdsLease === last.holdsLease && current.term === last.term) return null;
        last = current;
        return current;
      },
    };
  }

  /** A lease token, unless the node holds no lease or is handing over; each one extends the promise. */
  private issueToken(): WireLeaseToken | null {
    if (this.handOvers > 0) return null;
    const token = encodeLeaseToken(this.context);
    if (token !== null) this.promisedUntil = Math.max(this.promisedUntil, this.context.clock.now() + token.validForMs);
    return token;
  }

  /** As WatchLease tells it: a node handing over holds no lease for its clients. */
  private leaseState(): WireLeaseState {
    const state = encodeLeaseState(this.context);
    return this.handOvers > 0 ? { ...state, holdsLease: false, leaseRemainingMs: 0 } : state;
  }

  private refreshStreams(): void {
    for (const refresh of [...this.refreshers]) refresh();
  }

  // ---- answers -----------------------------------------------------------------------------

  private refusal(refusal: DriverRefusal, target: NodeId | null): AdminRequestRejection {
    switch (refusal.reason) {
      case 'not-leader':
        return refuse(grpc.status.FAILED_PRECONDITION, `not the leader; ${this.describeLeader(refusal.leaderId)}`);
      case 'target-not-responsive':
        return refuse(
          grpc.status.FAILED_PRECONDITION,
          `${target ?? 'the target'} has not acknowledged a heartbeat within the election timeout; heal its link or pick another node`,
        );
      case 'no-responsive-follower':
        return refuse(grpc.status.FAILED_PRECONDITION, 'no follower has acknowledged a heartbeat within the election timeout');
      case 'unknown-target':
        return refuse(grpc.status.INVALID_ARGUMENT, `${target ?? 'the target'} is not a member of this cluster`);
      case 'target-is-self':
        return refuse(grpc.status.INVALID_ARGUMENT, `cannot transfer leadership to ${this.context.info.id}, the node asked`);
      case 'stopped':
        return refuse(grpc.status.UNAVAILABLE, `node ${this.context.info.id} is not running`);
      default:
        return assertNever(refusal);
    }
  }

  private notLeaseHolder(): AdminRequestRejection {
    if (this.handOvers > 0) return refuse(grpc.status.FAILED_PRECONDITION, 'this node does not hold the lease; it is handing leadership over');
    const { leaderId } = this.context.driver.status();
    return refuse(grpc.status.FAILED_PRECONDITION, `this node does not hold the lease; ${this.describeLeader(leaderId)}`);
  }

  private describeLeader(leaderId: NodeId | null): string {
    if (leaderId === null) return 'no leader is known';
    if (leaderId === this.context.info.id) return 'this node leads but a majority has not acknowledged it recently';
    return `the leader is ${leaderId}`;
  }

  private internal(rpc: string, error: unknown): AdminRequestRejection {
    this.context.logger.error({ event: 'admin-internal-error', rpc, err: error }, 'admin handler failed');
    return refuse(grpc.status.INTERNAL, `${rpc} failed: ${errorMessage(error)}`);
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private unary<T>(
    rpc: string,
    handle: (request: unknown, call: grpc.ServerUnaryCall<unknown, T>) => AdminRequestResult<T> | Promise<AdminRequestResult<T>>,
  ): grpc.handleUnaryCall<unknown, T> {
    return (call, callback) => {
      const answer = new Promise<AdminRequestResult<T>>((resolve) => resolve(handle(call.request, call)));
      void answer
        .catch((error: unknown) => this.internal(rpc, error))
        .then((result) => {
          if (result.ok) callback(null, result.value);
          else callback({ code: result.code, details: result.message });
        });
    };
  }

  /** A server stream fed by driver events until the client cancels or the server closes. */
  private stream<T>(rpc: string, open: () => StreamFeed<T>): grpc.handleServerStreamingCall<unknown, T> {
    return (call) => {
      if (this.closing !== null) {
        call.emit('error', shuttingDown());
        return;
      }
      let unsubscribe = (): void => undefined;
      const stop = (): void => {
        unsubscribe();
        this.interrupts.delete(interrupt);
        this.refreshers.delete(refresh);
      };
      const interrupt: Interrupt = (status) => {
        stop();
        if (!call.cancelled) call.emit('error', status);
      };
      const fail = (error: unknown): void => {
        const { code, message } = this.internal(rpc, error);
        interrupt(statusOf(code, message));
      };
      let refresh = (): void => undefined;
      call.on('cancelled', stop);
      this.interrupts.add(interrupt);
      try {
        const feed = open();
        if (feed.first !== null) call.write(feed.first);
        // Listeners run inside the driver's step loop: nothing may throw back into it.
        const push = (event: NodeEvent | null): void => {
          try {
            const message = feed.next(event);
            if (message !== null) call.write(message);
          } catch (error) {
            fail(error);
          }
        };
        refresh = () => push(null);
        this.refreshers.add(refresh);
        unsubscribe = this.context.driver.subscribe(push);
      } catch (error) {
        fail(error);
      }
    };
  }
}
