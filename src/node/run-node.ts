import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { AdminServer } from '../admin/admin-server.ts';
import type { NodeId } from '../core/ids.ts';
import type { NodeMetadata } from '../health/node-metadata.ts';
import { MetricsServer } from '../metrics/metrics-server.ts';
import { NodeMetrics } from '../metrics/node-metrics.ts';
import { LoadSampler } from '../runtime/load-sampler.ts';
import { NodeDriver, type MonotonicClock } from '../runtime/node-driver.ts';
import { LevelHardStateStore, type OpenFailureReason } from '../storage/level-hard-state-store.ts';
import { FaultInjectingTransport } from '../transport/fault-injecting-transport.ts';
import { GrpcTransport } from '../transport/grpc-transport.ts';
import { exitCodes, type ExitCode } from './exit-codes.ts';
import type { NodeOptions } from './node-options.ts';

export type RunNodeOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly message: string; readonly exitCode: ExitCode };

const version: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const clock: MonotonicClock = { now: () => performance.now() };

/**
 * Opens the store, starts peer and admin services and installs the shutdown handlers. Resolves
 * once the node runs; a failure to start is a value with the exit code to use.
 */
export async function runNode(options: NodeOptions, logger: Logger): Promise<RunNodeOutcome> {
  const opened = await LevelHardStateStore.open(options.dataDir);
  if (!opened.ok) {
    return { ok: false, reason: `data-dir-${opened.reason}`, message: opened.message, exitCode: storeFailureExitCode(opened.reason) };
  }
  const store = opened.store;
  const incarnation = await store.bumpIncarnation();
  const random = { next: Math.random };
  const load = new LoadSampler();
  const localMetadata = (): NodeMetadata => ({ incarnation, version, load: load.current() });
  const faults = new FaultInjectingTransport(
    new GrpcTransport({
      self: options.id,
      clusterId: options.clusterId,
      listenAddress: options.listen,
      peers: options.peers,
      logger,
      callDeadlineMs: options.election.electionTimeoutMinMs,
      localMetadata,
    }),
    random,
  );
  const driver = new NodeDriver({
    config: options.election,
    store,
    transport: faults,
    clock,
    random,
    logger,
    localMetadata,
    onFatal: () => {
      void store.close().finally(() => process.exit(exitCodes.persistFailed));
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
  const adminStarted = await admin.start(options.adminListen);
  if (!adminStarted.ok) {
    await driver.stop();
    await store.close();
    return { ok: false, reason: 'cannot-listen', message: adminStarted.message, exitCode: exitCodes.cannotListen };
  }
  const metrics = new NodeMetrics(driver);
  const metricsServer = new MetricsServer(metrics);
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
  const metricsAddress = options.metricsListen ?? 'off';
  logger.info(
    { event: 'listening', peerAddress: options.listen, adminAddress: options.adminListen, metricsAddress, incarnation, version },
    `node ${options.id} listening (peers on ${options.listen}, admin on ${options.adminListen}, metrics on ${metricsAddress})`,
  );

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      logger.warn({ event: 'forced-exit', signal }, 'second signal: exiting at once');
      process.exit(exitCodes.crashed);
    }
    stopping = true;
    logger.info({ event: 'shutting-down', signal }, 'shutting down');
    await handOffLeadership(driver, logger);
    await admin.close();
    await metricsServer.close();
    metrics.close();
    await driver.stop();
    await store.close();
    logger.info({ event: 'stopped' }, 'stopped');
    logger.flush();
    process.exit(exitCodes.ok);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return { ok: true };
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
 * A leader that is asked to stop hands leadership to its most responsive follower and waits
 * (briefly) until that node's first heartbeat arrives, so the cluster is never left waiting for
 * an election timeout.
 */
async function handOffLeadership(driver: NodeDriver, logger: Logger): Promise<void> {
  if (driver.status().role !== 'leader') return;
  const outcome = await driver.stepDown();
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
