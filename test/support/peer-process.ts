/**
 * A peer transport in a process of its own, answering heartbeats with acks: for tests that pause
 * it with SIGSTOP (a peer that stops responding without closing its sockets).
 * argv: <self> <listen address> <peer id> <peer address>; prints "ready" once it listens.
 */
import { pino } from 'pino';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { GrpcTransport } from '../../src/transport/grpc-transport.ts';

const [self, listen, peer, peerAddress] = process.argv.slice(2);
if (self === undefined || listen === undefined || peer === undefined || peerAddress === undefined) {
  process.stderr.write('usage: peer-process <self> <listen> <peer> <peer address>\n');
  process.exit(2);
}
const transport = new GrpcTransport({
  self: asNodeId(self),
  clusterId: asClusterId('test-cluster'),
  listenAddress: listen,
  peers: new Map([[asNodeId(peer), peerAddress]]),
  logger: pino({ level: 'silent' }),
  livenessTimeoutMs: 200,
});
await transport.start(async (_from, message) => (message.kind === 'heartbeat' ? [{ kind: 'heartbeat-ack', term: message.term, round: message.round }] : []));
process.stdout.write('ready\n');
process.on('SIGTERM', () => void transport.close().then(() => process.exit(0)));
