/**
 * The flood benchmark's attacker, in a process of its own so that its CPU is not the bench's:
 * keeps `inFlight` Link streams open against one node's peer port for `seconds`, spread over
 * `connections` connections, each stream carrying one bad message (another cluster's envelope,
 * a malformed one, bytes that are not protobuf, or too many bytes) and replaced as soon as the
 * node refuses it. Prints one JSON line: streams started and the statuses they ended with.
 * argv: <host:port> <inFlight> <seconds> <connections>
 */
import { RawPeerClient } from '../src/transport/raw-peer-link.ts';
import type { Envelope } from '../src/generated/heartbeat/peer/v1/Envelope.ts';
import { envelopeBytes, MAX_ENVELOPE_BYTES } from '../src/transport/peer-codec.ts';

const [address, inFlightText = '2000', secondsText = '10', connectionsText = '20'] = process.argv.slice(2);
if (address === undefined) {
  process.stderr.write('usage: flood-client <host:port> [inFlight] [seconds] [connections]\n');
  process.exit(2);
}
const inFlight = Number(inFlightText);
const connections = Number(connectionsText);
const until = performance.now() + Number(secondsText) * 1000;
const clients = Array.from({ length: connections }, () => new RawPeerClient(address, { separateConnection: true }));
const heartbeat: Envelope = { clusterId: 'bench', from: 'n2', to: 'n1', term: '1', heartbeat: { round: '1' } };
const bad: readonly Buffer[] = [
  envelopeBytes({ ...heartbeat, clusterId: 'intruder' }),
  envelopeBytes({ ...heartbeat, term: '18446744073709551615' }),
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x07]),
  Buffer.alloc(MAX_ENVELOPE_BYTES * 4, 0x0a),
];
const codes = new Map<number, number>();
let started = 0;

async function worker(index: number): Promise<void> {
  const client = clients[index % connections]!;
  while (performance.now() < until) {
    started++;
    const message = bad[started % bad.length]!;
    // Half the streams claim a member (so they get past the stream check), half claim nobody.
    const claim = started % 2 === 0 ? { from: 'n2', clusterId: 'bench' } : { from: 'intruder', clusterId: 'bench' };
    const outcome = await client.link(claim, [message], { deadlineMs: 2000 });
    codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
  }
}

await Promise.all(Array.from({ length: inFlight }, (_, index) => worker(index)));
for (const client of clients) client.close();
process.stdout.write(`${JSON.stringify({ started, codes: Object.fromEntries(codes) })}\n`);
process.exit(0);
