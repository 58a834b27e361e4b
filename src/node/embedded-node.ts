import { EventEmitter } from 'node:events';
import { pino, type Logger } from 'pino';
import { AsyncQueue } from '../client/async-queue.ts';
import { realClock, type ClientClock } from '../client/client-clock.ts';
import { keepLease, releaseOnAbort, runUnderLease, type Lease, type LeaseReading, type LeaseScope, type LeaseSource } from '../client/lease.ts';
import type { LeaderChange } from '../client/observe-leader.ts';
import type { LeaseLostReason } from '../core/core-event.ts';
import type { Role } from '../core/role.ts';
import type { FatalReason } from '../runtime/node-driver.ts';
import type { TlsReloadReport } from '../tls/node-tls.ts';
import type { ExitCode } from './exit-codes.ts';
import { parseNodeOptions, type LogLevel } from './node-options.ts';
import { runNode, type RunningNode } from './run-node.ts';

/** What `startNode` takes: the node's flags (see `heartbeat-node --help`) in camelCase. */
export interface StartNodeSettings {
  readonly id: string;
  /** `host:port` for peer traffic. */
  readonly listen: string;
  /** Every member, this node included: `{ n1: '127.0.0.1:7400', ... }` or `n1=127.0.0.1:7400,...`. */
  readonly peers: Readonly<Record<string, string>> | string;
  /** Default `127.0.0.1:<listen port + 100>`. */
  readonly adminListen?: string;
  /** Default `127.0.0.1:<listen port + 200>`; `off` for none. */
  readonly metricsListen?: string;
  readonly clusterId?: string;
  /** Default `./data/<id>`. */
  readonly dataDir?: string;
  readonly heartbeatMs?: number;
  readonly electionTimeoutMs?: number;
  readonly electionJitterMs?: number;
  readonly maxClockDrift?: number;
  /** Where the node logs; default JSON lines on stdout at `logLevel`. */
  readonly logger?: Logger;
  /** Default `warn`: an application has its own output. */
  readonly logLevel?: LogLevel;
  /** Mutual TLS on peer links: all three or none (`--peer-cert-file`...). */
  readonly peerCertFile?: string;
  readonly peerKeyFile?: string;
  readonly peerTrustedCaFile?: string;
  /** TLS on the admin API and metrics (`--cert-file`, `--key-file`). */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Admin and metrics clients need a certificate from `trustedCaFile`, which gives their role. */
  readonly clientCertAuth?: boolean;
  readonly trustedCaFile?: string;
  readonly tlsMinVersion?: 'TLS1.2' | 'TLS1.3';
}

/** Settings `startNode` refused, or a node that could not start (its data dir locked, an address in use...). */
export class StartNodeError extends Error {
  override readonly name = 'StartNodeError';

  constructor(
    readonly problems: readonly string[],
    /** What the standalone node would exit with. */
    readonly exitCode: ExitCode,
  ) {
    super(problems.join('; '));
  }
}

/** Emitted as 'error' when the node stops itself: it could not persist its state, or a step failed. */
export class NodeStoppedError extends Error {
  override readonly name = 'NodeStoppedError';

  constructor(
    readonly reason: FatalReason,
    readonly exitCode: ExitCode,
    options: { readonly cause: Error },
  ) {
    super(`the node stopped: ${reason}`, options);
  }
}

/** This node's view, read in-process. */
export interface EmbeddedNodeStatus {
  readonly role: Role;
  readonly term: number;
  readonly leaderId: string | null;
  readonly holdsLease: boolean;
  readonly leaseRemainingMs: number;
}

export interface EmbeddedNodeEvents {
  /** A new leader (this node or another), with its term; in increasing term. */
  leader: [LeaderChange];
  'lease-acquired': [{ readonly term: number }];
  'lease-lost': [{ readonly term: number; readonly reason: LeaseLostReason }];
  /** A NodeStoppedError; without a listener it is thrown, as Node does for every unheard 'error'. */
  error: [NodeStoppedError];
}

export interface LocalLeaseOptions {
  /** Aborting it gives up: `acquireLease` rejects with its reason, a lease already held is released. */
  readonly signal?: AbortSignal;
  /** Taken off the lease's end: the time the job may need between the signal aborting and its last action (default 10 ms). */
  readonly marginMs?: number;
}

const defaultMarginMs = 10;

/**
 * A member of the cluster running inside this process, with the same storage, transport, admin
 * API and metrics as `heartbeat-node`. Its lease is read straight from the node, on the node's
 * own clock: no round trip and no clock drift to allow for, only the margin.
 */
export class EmbeddedNode extends EventEmitter<EmbeddedNodeEvents> {
  readonly id: string;
  readonly peerAddress: string;
  readonly adminAddress: string;
  /** Null when metrics are off. */
  readonly metricsAddress: string | null;
  private readonly clock: ClientClock;
  private lastLeaderTerm = -1;
  /** Aborted once the node stops (asked to, or on its own): no lease can be waited for any more. */
  private readonly stopped = new AbortController();

  /** @internal Use `startNode`. */
  constructor(private readonly node: RunningNode) {
    super();
    const { options } = node;
    this.id = options.id;
    this.peerAddress = options.listen;
    this.adminAddress = options.adminListen;
    this.metricsAddress = options.metricsListen;
    this.clock = { now: () => node.clock.now(), schedule: (callback, delayMs) => realClock.schedule(callback, delayMs) };
    node.driver.subscribe(({ event }) => {
      if (event.type === 'leader-changed' && event.leaderId !== null && event.term > this.lastLeaderTerm) {
        this.lastLeaderTerm = event.term;
        this.emit('leader', { leaderId: event.leaderId, term: event.term });
      } else if (event.type === 'lease-acquired') this.emit('lease-acquired', { term: event.term });
      else if (event.type === 'lease-lost') this.emit('lease-lost', { term: event.term, reason: event.reason });
    });
  }

  status(): EmbeddedNodeStatus {
    const { role, term, leaderId } = this.node.driver.status();
    const leaseRemainingMs = this.node.driver.leaseRemainingMs();
    return { role, term, leaderId, holdsLease: leaseRemainingMs > 0, leaseRemainingMs };
  }

  /** The leader now (once one is known), then each new one, in increasing term. */
  observeLeader(options: { readonly signal?: AbortSignal } = {}): AsyncIterableIterator<LeaderChange> {
    let lastTerm = -1;
    const offer = (change: LeaderChange): void => {
      if (change.term <= lastTerm) return;
      lastTerm = change.term;
      queue.push(change);
    };
    const onAbort = (): void => queue.fail(options.signal?.reason);
    const queue = new AsyncQueue<LeaderChange>(() => {
      this.off('leader', offer);
      options.signal?.removeEventListener('abort', onAbort);
    });
    this.on('leader', offer);
    const { leaderId, term } = this.node.driver.status();
    if (leaderId !== null) offer({ leaderId, term });
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    return queue;
  }

  /**
   * Resolves once this node holds the lease, with its fencing token and a signal that aborts
   * before any other node can hold it, or as soon as this node loses it. Rejects with the reason
   * of `options.signal`, or once the node has stopped.
   */
  async acquireLease(options: LocalLeaseOptions = {}): Promise<Lease> {
    const source = this.leaseSource();
    const first = await this.untilHeld(options.signal === undefined ? this.stopped.signal : AbortSignal.any([options.signal, this.stopped.signal]));
    const keeping = { clock: this.clock, marginMs: options.marginMs ?? defaultMarginMs, renewEveryMs: this.node.driver.config.heartbeatIntervalMs };
    return releaseOnAbort(keepLease(first, source, keeping), options.signal);
  }

  /** Runs `job` under this node's lease, releasing it once the job settles; answers what the job answers. */
  async withLease<T>(job: (scope: LeaseScope) => Promise<T> | T, options: LocalLeaseOptions = {}): Promise<T> {
    return runUnderLease(await this.acquireLease(options), job);
  }

  /**
   * Reads the TLS files again, as the standalone node does on SIGHUP: good ones serve every new
   * connection from now on, a part whose files are not keeps its previous ones. Answers each part's outcome.
   */
  reloadCertificates(): readonly TlsReloadReport[] {
    return this.node.reloadTls();
  }

  /** Hands leadership off as the standalone node does on SIGTERM, then stops every service. */
  stop(): Promise<void> {
    this.markStopped();
    return this.node.stop();
  }

  /** @internal */
  markStopped(): void {
    if (!this.stopped.signal.aborted) this.stopped.abort(new Error(`node ${this.id} has stopped`));
  }

  private leaseSource(): LeaseSource {
    const { driver } = this.node;
    return {
      read: async () => this.readLease(),
      watch: (term, ended) =>
        driver.subscribe(({ event }) => {
          // Published before the step's messages leave, so the signal aborts before a hand-off's TimeoutNow is sent.
          if (event.type === 'lease-lost') ended('lost', `${this.id} lost the lease in term ${event.term} (${event.reason})`);
          else if (event.type === 'term-changed' && event.to !== term) ended('lost', `${this.id} moved to term ${event.to}`);
        }),
    };
  }

  private readLease(): LeaseReading {
    const { driver } = this.node;
    const now = this.clock.now();
    const remaining = driver.leaseRemainingMs();
    if (remaining <= 0) return { kind: 'not-held', detail: `${this.id} does not hold the lease` };
    return { kind: 'held', holder: this.id, term: driver.status().term, validUntil: now + remaining };
  }

  /** Re-reads the lease on every event and every heartbeat interval, the fastest the node renews it. */
  private untilHeld(signal: AbortSignal | undefined): Promise<Extract<LeaseReading, { kind: 'held' }>> {
    const { driver } = this.node;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const reading = this.readLease();
        if (reading.kind !== 'held') return;
        finish();
        resolve(reading);
      };
      const onAbort = (): void => {
        finish();
        reject(signal?.reason);
      };
      const finish = (): void => {
        unsubscribe();
        clearInterval(poll);
        signal?.removeEventListener('abort', onAbort);
      };
      const unsubscribe = driver.subscribe(check);
      const poll = setInterval(check, driver.config.heartbeatIntervalMs);
      if (signal?.aborted === true) onAbort();
      else {
        signal?.addEventListener('abort', onAbort, { once: true });
        check();
      }
    });
  }
}

/**
 * Starts a member of the cluster inside this process; resolves once it listens. Rejects with a
 * StartNodeError saying what to fix (the messages name the flags the settings stand for).
 */
export async function startNode(settings: StartNodeSettings): Promise<EmbeddedNode> {
  const parsed = parseNodeOptions(settingsAsFlags(settings), {}, false);
  if (!parsed.ok) throw new StartNodeError(parsed.problems, 2);
  const logger = settings.logger ?? pino({ level: settings.logLevel ?? 'warn', base: { node: parsed.options.id } });
  let embedded: EmbeddedNode | null = null;
  const outcome = await runNode(parsed.options, logger, (reason, exitCode, error) => {
    logger.fatal({ event: 'stopped-on-failure', reason }, 'the node stopped itself');
    embedded?.markStopped();
    embedded?.emit('error', new NodeStoppedError(reason, exitCode, { cause: error }));
  });
  if (!outcome.ok) throw new StartNodeError([outcome.message], outcome.exitCode);
  embedded = new EmbeddedNode(outcome.node);
  return embedded;
}

/** The settings as node flags, so that one parser checks them the same way for both. */
function settingsAsFlags(settings: StartNodeSettings): string[] {
  const peers =
    typeof settings.peers === 'string'
      ? settings.peers
      : Object.entries(settings.peers)
          .map(([id, address]) => `${id}=${address}`)
          .join(',');
  const flags: [string, string | number | undefined][] = [
    ['id', settings.id],
    ['listen', settings.listen],
    ['peers', peers],
    ['admin-listen', settings.adminListen],
    ['metrics-listen', settings.metricsListen],
    ['cluster-id', settings.clusterId],
    ['data-dir', settings.dataDir],
    ['heartbeat-ms', settings.heartbeatMs],
    ['election-timeout-ms', settings.electionTimeoutMs],
    ['election-jitter-ms', settings.electionJitterMs],
    ['max-clock-drift', settings.maxClockDrift],
    ['log-level', settings.logLevel ?? 'warn'],
    ['log-format', 'json'],
    ['peer-cert-file', settings.peerCertFile],
    ['peer-key-file', settings.peerKeyFile],
    ['peer-trusted-ca-file', settings.peerTrustedCaFile],
    ['cert-file', settings.certFile],
    ['key-file', settings.keyFile],
    ['trusted-ca-file', settings.trustedCaFile],
    ['tls-min-version', settings.tlsMinVersion],
  ];
  const switches = settings.clientCertAuth === true ? ['--client-cert-auth'] : [];
  return [...flags.flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, String(value)])), ...switches];
}
