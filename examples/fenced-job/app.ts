/**
 * One instance of the fenced-job example: a service of three instances that is its own cluster.
 * Each instance runs a member in its own process (startNode) and, whenever its member holds the
 * lease, a job that writes to the shared resource with the lease's term as its fencing token.
 *
 *   APP_ID=a APP_INDEX=0 npx tsx examples/fenced-job/app.ts    (then b 1 and c 2, in two more terminals)
 *
 * Settings (environment): APP_ID (a, b or c), APP_INDEX (0, 1 or 2: which ports it uses),
 * APP_PORTS (the three instances' peer ports, default 7710,7711,7712), APP_ADMIN_PORTS
 * (default 100 higher), APP_DATA (default ./data/example), RESOURCE_URL (default http://127.0.0.1:7790),
 * WORK_MS (default 300). Log lines are JSON on stdout.
 */
import { setTimeout as work } from 'node:timers/promises';
import { startNode, type LeaseEndedError } from 'heartbeat-cluster/node';

const ids = ['a', 'b', 'c'];
const index = Number(process.env.APP_INDEX ?? ids.indexOf(process.env.APP_ID ?? 'a'));
const id = ids[index] ?? 'a';
const ports = (process.env.APP_PORTS ?? '7710,7711,7712').split(',').map(Number);
const adminPorts = process.env.APP_ADMIN_PORTS?.split(',').map(Number) ?? ports.map((port) => port + 100);
const resource = process.env.RESOURCE_URL ?? 'http://127.0.0.1:7790';
const workMs = Number(process.env.WORK_MS ?? 300);

function log(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: Date.now(), instance: id, ...entry })}\n`);
}

const node = await startNode({
  id,
  listen: `127.0.0.1:${ports[index]}`,
  peers: Object.fromEntries(ids.map((member, i) => [member, `127.0.0.1:${ports[i]}`])),
  adminListen: `127.0.0.1:${adminPorts[index]}`,
  metricsListen: 'off',
  dataDir: `${process.env.APP_DATA ?? './data/example'}/${id}`,
  heartbeatMs: 40,
  electionTimeoutMs: 400,
  electionJitterMs: 100,
});
log({ event: 'started', adminAddress: node.adminAddress });
process.once('SIGTERM', () => void node.stop().then(() => process.exit(0)));

/** The resource's answer to one write carrying `token`. */
async function write(token: number, value: string): Promise<{ accepted: boolean; reason?: string }> {
  const response = await fetch(`${resource}/write`, { method: 'POST', body: JSON.stringify({ writer: id, token, value }) });
  return (await response.json()) as { accepted: boolean; reason?: string };
}

for (let step = 1; ;) {
  await node.withLease(async ({ term, signal }) => {
    log({ event: 'lease-acquired', term });
    while (!signal.aborted) {
      // The job checks its lease before each step, as it should. A pause between that check and
      // the write below (a GC pause, a frozen VM, SIGSTOP) is what no check can catch: the token
      // is what keeps the late write out.
      log({ event: 'working', term, step });
      await work(workMs);
      try {
        const answer = await write(term, `${id}#${step}`);
        log({ event: answer.accepted ? 'write-accepted' : 'write-rejected', term, step, reason: answer.reason });
      } catch (error) {
        log({ event: 'write-failed', term, step, reason: String(error) });
      }
      step += 1;
    }
    log({ event: 'lease-ended', term, reason: (signal.reason as LeaseEndedError).reason });
  });
}
