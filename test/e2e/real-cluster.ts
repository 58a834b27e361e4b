import { asClusterId } from '../../src/core/ids.ts';
import { ClusterUnderTest, type ClusterTls } from '../../src/harness/cluster-under-test.ts';
import type { Timings } from '../../src/harness/timings.ts';

/** Short enough for quick tests, long enough to ride out a busy CI machine's scheduling hiccups. */
export const e2eTimings: Timings = { heartbeatMs: 40, electionTimeoutMs: 400, electionJitterMs: 100 };

/**
 * Added to every "within X ms" bound a scenario defines: the test VM sometimes freezes every
 * process for up to ~900 ms, and a node that wakes from such a freeze rightly waits a little
 * for buffered messages before it acts.
 */
export const vmFreezeSlackMs = 1000;

/**
 * How long the nodes may take to agree on a leader before a test gives up. Generous: it only
 * bounds a failure, and this VM has been seen frozen for most of some seconds; short enough to
 * fail with its own message inside the test's timeout.
 */
const convergenceTimeoutMs = 30_000;

/**
 * A cluster of real node processes on loopback for one e2e test, in cluster `e2e`; with `tls`,
 * the nodes run on the certificates in its directory (`npm run certs` layout: mutual TLS between
 * peers, TLS and client-certificate auth on admin and metrics) and the test calls with its
 * client certificate. E2E_KEEP=1 keeps the data dirs and logs for a post-mortem.
 */
export function startRealCluster(size: number, timings: Timings = e2eTimings, tls: ClusterTls | null = null): Promise<ClusterUnderTest> {
  return ClusterUnderTest.start({
    size,
    timings,
    clusterId: asClusterId('e2e'),
    convergenceTimeoutMs,
    keepFiles: process.env.E2E_KEEP !== undefined,
    ...(tls === null ? {} : { tls }),
  });
}
