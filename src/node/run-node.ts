import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { AdminServer } from '../admin/admin-server.ts';
import type { NodeId } from '../core/ids.ts';
import type { NodeMetadata } from '../health/node-metadata.ts';
import { MetricsServer } from '../metrics/metrics-server.ts';
import { NodeMetrics } from '../metrics/node-metrics.ts';
import { LoadSampler } from '../runtime/load-sampler.ts';
import { NodeDriver, type FatalReason, type MonotonicClock } from '../runtime/node-driver.ts';
import { LevelHardStateStore, type OpenFailureReason } from '../storage/level-hard-state-store.ts';
import { FaultInjectingTransport } from '../transport/fault-injecting-transport.ts';
import { GrpcTransport } from '../transport/grpc-transport.ts';
import { openNodeTls, reloadNodeTls, type NodeTls, type TlsReloadReport } from '../tls/node-tls.ts';
import { parseHostPort } from '../util/host-port.ts';
import { hostMonotonicMs } from '../util/host-monotonic.ts';
import { exitCodes, type ExitCode } from './exit-codes.ts';
import type { NodeOptions } from './node-options.ts';

/** A node running in this process: its driver and admin server, and how to stop it. */
export interface RunningNode {
  readonly options: NodeOptions;
  readonly driver: NodeDriver;
  readonly admin: AdminServer;
  /** The clock the driver runs on. */
  readonly clock: MonotonicClock;
  /** Hands leadership off (when leading), then stops every service and closes the store. Once only; later calls wait for the first. */
  stop(): Promise<void>;
  /** Reads the TLS files again (SIGHUP): good ones serve new connections from now on; each part's outcome is logged and answered. */
  reloadTls(): readonly TlsReloadReport[];
}

export type RunNodeOutcome =
  { readonly ok: true; readonly node: RunningNode } | { readonly ok: false; readonly reason: string; readonly message: string; readonly exitCode: ExitCode };

/** Told once the node has stopped itself (it could not persist its state, or a step failed), after its services closed. */
export type FatalStop = (reason: FatalReason, exitCode: ExitCode, error: Error) => void;

const version: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const clock: MonotonicClock = { now: () => performance.now() };

/**
 * Opens the store and starts peer, admin and metrics services: the one way a node runs, as its
 * own process (main.ts, which adds signal handlers and exit codes) or inside an application
 * (startNode). Resolves once the node runs; a failure to start is a value with its exit code.
 */
export async function runNode(options: NodeOptions, logger: Logger, onFatalStop: FatalStop): Promise<RunNodeOutcome> {
  // Before the store: a node refused for its certificates has touched nothing.
  const openedTls = openNodeTls(options.tls, options.clusterId, options.id);
  if (!openedTls.ok) return { ok: false, reason: 'bad-tls', message: openedTls.problems.join('\n'), exitCode: exitCodes.badConfiguration };
  const tls = openedTls.tls;
  const opened = await LevelHardStateStore.open(options.dataDir);
  if (!opened.ok) {
    return { ok: false, reason: `data-dir-${opened.reason}`, message: opened.message, exitCode: storeFailureExitCode(opened.reason) };
  }
  const store = opened.store;
  const incarnation = await store.bumpIncarnation();
  const random = { next: Math.random };
  const load = new LoadSampler();
  const localMetadata = (): NodeMetadata => ({ incarnation, version, load: load.current() });
  const peerTransport = new GrpcTransport({
    self: options.id,
    clusterId: options.clusterId,
    listenAddress: options.listen,
    peers: options.peers,
    logger,
    livenessTimeoutMs: options.election.electionTimeoutMinMs,
    localMetadata,
    tls: tls.peer === null ? null : { source: tls.peer, minVersion: tls.minVersion },
  });
  const faults = new FaultInjectingTransport(peerTransport, random);
  // Set once the services exist; a fatal stop before that has only the store to close.
  let closeServices = async (): Promise<void> => undefined;
  const driver = new NodeDriver({
    config: options.election,
    store,
    transport: faults,
    clock,
    random,
    logger,
    localMetadata,
    onFatal: (reason, error) => {
      // Every timer is already cleared.
      logger.flush();
      const exitCode = reason === 'persist-failed' ? exitCodes.persistFailed : exitCodes.stepFailed;
      void closeServices()
        .then(() => store.close())
        .catch(() => undefined)
        .finally(() => onFatalStop(reason, exitCode, error));
    },
  });
  try {
    await driver.start();
  } catch (error) {
    await store.close();
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'cannot-listen', message, exitCode: exitCodes.cannotListen };
  }

  const admin = new AdminServer({
    driver,
    faults,
    clock,
    logger,
    info: {
      clusterId: options.clusterId,
      id: options.id,
      pid: process.pid,
      version,
      dataDir: options.dataDir,
      peerAddress: options.listen,
      adminAddress: options.adminListen,
      members: options.members,
      incarnation,
      startedAtMs: clock.now(),
    },
  });
  const adminStarted = await admin.start(
    options.adminListen,
    tls.server === null ? null : { source: tls.server, minVersion: tls.minVersion, clientCertAuth: tls.clientCertAuth },
  );
  if (!adminStarted.ok) {
    await driver.stop();
    await store.close();
    return { ok: false, reason: 'cannot-listen', message: adminStarted.message, exitCode: exitCodes.cannotListen };
  }
  const metrics = new NodeMetrics(driver, { peerRejections: () => peerTransport.rejections() });
  const metricsServer = new MetricsServer(
    metrics,
    tls.server === null ? null : { source: tls.server, minVersion: tls.minVersion, clientCertAuth: tls.clientCertAuth, clusterId: options.clusterId },
  );
  if (options.metricsListen !== null) {
    const metricsStarted = await metricsServer.start(options.metricsListen);
    if (!metricsStarted.ok) {
      metrics.close();
      await admin.close();
      await driver.stop();
      await store.close();
      return { ok: false, reason: 'cannot-listen', message: metricsStarted.message, exitCode: exitCodes.cannotListen };
    }
  }
  closeServices = async () => {
    await admin.close();
    await metricsServer.close();
    metrics.close();
  };
  const metricsAddress = options.metricsListen ?? 'off';
  // This process's performance.now() zero on the machine's monotonic clock: adding it to a
  // line's `mono` puts that line on the clock every process shares.
  const monoOriginMs = hostMonotonicMs() - performance.now();
  logger.info(
    {
      event: 'listening',
      peerAddress: options.listen,
      adminAddress: options.adminListen,
      metricsAddress,
      incarnation,
      version,
      monoOriginMs,
      ...describeTls(tls),
    },
    `node ${options.id} listening (peers on ${options.listen}, admin on ${options.adminListen}, metrics on ${metricsAddress})`,
  );
  warnOfOpenAdmin(options, tls, logger);

  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    await handOffLeadership(driver, admin, logger);
    await closeServices();
    await driver.stop();
    await store.close();
    logger.info({ event: 'stopped' }, 'stopped');
  };
  return {
    ok: true,
    node: {
      options,
      driver,
      admin,
      clock,
      stop: () => (stopping ??= stop()),
      reloadTls: () => {
        const reports = reloadNodeTls(tls);
        logTlsReload(reports, logger);
        return reports;
      },
    },
  };
}

/** What the start-up line says of TLS: which parts are on, and until when each certificate is valid. */
function describeTls(tls: NodeTls): Record<string, unknown> {
  const until = (source: NodeTls['peer']): string | null => (source === null ? null : new Date(source.current().certificate.validTo).toISOString());
  return {
    peerTls: tls.peer !== null,
    peerCertificateValidUntil: until(tls.peer),
    adminTls: tls.server !== null,
    adminCertificateValidUntil: until(tls.server),
    clientCertAuth: tls.clientCertAuth,
  };
}

/**
 * Anyone who can reach the admin API may partition the cluster or move its leadership unless
 * client certificates are required; on loopback that is this machine's users, anywhere else the
 * network's.
 */
function warnOfOpenAdmin(options: NodeOptions, tls: NodeTls, logger: Logger): void {
  if (tls.clientCertAuth) return;
  const address = parseHostPort(options.adminListen);
  const host = address.ok ? address.address.host : options.adminListen;
  if (host === 'localhost' || host === '::1' || host.startsWith('127.')) return;
  logger.warn(
    { event: 'admin-open', adminAddress: options.adminListen, tls: tls.server !== null },
    `the admin API on ${options.adminListen} takes calls from anyone who can reach it, partitions and transfers included: ` +
      'bind it to loopback, or require client certificates (--cert-file, --key-file, --client-cert-auth, --trusted-ca-file)',
  );
}

function logTlsReload(reports: readonly TlsReloadReport[], logger: Logger): void {
  if (reports.length === 0) logger.info({ event: 'tls-reload' }, 'TLS is off: no certificates to reload');
  for (const report of reports) {
    if (report.ok) {
      const what = report.changed ? 'now serves' : 'unchanged, still serves';
      logger.info({ event: 'tls-reload', ...report }, `${report.part} certificate ${what} serial ${report.serial}, valid until ${report.validUntil}`);
    } else {
      logger.error(
        { event: 'tls-reload-failed', ...report },
        `${report.part} certificates not reloaded, the previous ones stay in use: ${report.problems.join('; ')}`,
      );
    }
  }
}

/** A store in use elsewhere may just need the other node stopped; every other refusal needs the data dir looked at. */
export function storeFailureExitCode(reason: OpenFailureReason): ExitCode {
  switch (reason) {
    case 'locked':
      return exitCodes.dataDirLocked;
    case 'corrupt':
    case 'rolled-back':
    case 'unreadable':
      return exitCodes.dataDirCorrupt;
  }
}

/**
 * A leader that is asked to stop hands leadership to its most responsive follower (once the
 * lease tokens it gave out have run out, see AdminServer.handOver) and waits (briefly) until that
 * node's first heartbeat arrives, so the cluster is never left waiting for an election timeout.
 */
async function handOffLeadership(driver: NodeDriver, admin: AdminServer, logger: Logger): Promise<void> {
  if (driver.status().role !== 'leader') return;
  const outcome = await admin.handOver(() => driver.stepDown());
  if (!outcome.ok || outcome.target === null) {
    logger.info({ event: 'hand-off-skipped', outcome }, 'no follower to hand leadership to');
    return;
  }
  const confirmed = await waitForLeader(driver, outcome.target, driver.config.electionTimeoutMinMs);
  logger.info({ event: 'handed-off', target: outcome.target, confirmed }, `leadership handed to ${outcome.target}`);
}

/** Resolves true once this node hears from `leader` as its leader, false after `timeoutMs`. */
function waitForLeader(driver: NodeDriver, leader: NodeId, timeoutMs: number): Promise<boolean> {
  if (driver.status().leaderId === leader) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (heard: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(heard);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const unsubscribe = driver.subscribe(({ event }) => {
      if (event.type === 'leader-changed' && event.leaderId === leader) finish(true);
    });
  });
}
