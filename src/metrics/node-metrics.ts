import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SafetyAlarm } from '../core/core-event.ts';
import type { Role } from '../core/role.ts';
import type { PeerState } from '../health/peer-health-tracker.ts';
import type { NodeDriver } from '../runtime/node-driver.ts';
import type { PeerTraffic } from '../runtime/peer-traffic.ts';
import { HeartbeatRoundTrips } from './heartbeat-round-trips.ts';

const roles: readonly Role[] = ['follower', 'pre-candidate', 'candidate', 'leader'];
const peerStates: readonly PeerState[] = ['alive', 'suspect', 'dead', 'unknown'];
const safetyAlarmKinds: readonly SafetyAlarm['kind'][] = ['second-leader', 'timeout-now-refused', 'term-jump-refused', 'term-exhausted'];

/** What the metrics read from a node; NodeDriver has it all. */
export type MetricsSource = Pick<NodeDriver, 'status' | 'leaseRemainingMs' | 'members' | 'subscribe' | 'observeTraffic'>;

/**
 * From loopback (well under a millisecond, finely: its median is a target) to a round trip that
 * outlasts an election timeout; 0.15 s sits just under a third of the default election timeout.
 */
const roundTripBuckets = [0.00025, 0.0005, 0.00075, 0.001, 0.00125, 0.0015, 0.002, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5];

export interface NodeMetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC...) under prom-client's standard names. Default true. */
  readonly defaultMetrics?: boolean;
  /** Inbound peer traffic the transport refused so far, by reason (`GrpcTransport.rejections`). */
  readonly peerRejections?: () => ReadonlyMap<string, number>;
}

/**
 * One node's Prometheus registry. Counters are fed by the driver's events; gauges read the driver
 * at scrape time (`collect`), so every scrape is current. Call `close()` to stop listening.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  private readonly unsubscribe: () => void;
  private readonly stopObservingTraffic: () => void;

  constructor(source: MetricsSource, options: NodeMetricsOptions = {}) {
    const registers = [this.registry];
    // prom-client's event-loop lag histogram would otherwise wake the loop every 10 ms on its own.
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 200 });

    new Gauge({
      name: 'hbc_role',
      help: "1 for this node's current role, 0 for the others",
      labelNames: ['role'],
      registers,
      collect() {
        const current = source.status().role;
        for (const role of roles) this.set({ role }, role === current ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hbc_term',
      help: "this node's current term",
      registers,
      collect() {
        this.set(source.status().term);
      },
    });
    new Gauge({
      name: 'hbc_lease_held',
      help: '1 while this node holds the leader lease',
      registers,
      collect() {
        this.set(source.leaseRemainingMs() > 0 ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hbc_lease_remaining_seconds',
      help: 'time left on the leader lease this node holds (0 if it holds none)',
      registers,
      collect() {
        this.set(Math.max(0, source.leaseRemainingMs()) / 1000);
      },
    });
    new Gauge({
      name: 'hbc_peer_phi',
      help: 'phi-accrual suspicion of each peer this node hears from',
      labelNames: ['peer'],
      registers,
      collect() {
        this.reset();
        for (const member of source.members()) {
          if (!member.isSelf) this.set({ peer: member.id }, Number.isFinite(member.phi) ? member.phi : Number.MAX_VALUE);
        }
      },
    });
    new Gauge({
      name: 'hbc_peer_state',
      help: "1 for each peer's current state (alive, suspect, dead, or unknown: not expected to be heard from), 0 for the others",
      labelNames: ['peer', 'state'],
      registers,
      collect() {
        this.reset();
        for (const member of source.members()) {
          if (member.isSelf) continue;
          for (const state of peerStates) this.set({ peer: member.id, state }, member.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'hbc_event_loop_delay_p99_seconds',
      help: "p99 of this process's event-loop delay, as piggybacked on heartbeats",
      registers,
      collect() {
        const load = source.members().find((member) => member.isSelf)?.load;
        if (load !== undefined && load !== null) this.set(load.eventLoopDelayP99Ms / 1000);
      },
    });

    const peerRejections = options.peerRejections;
    const rejectionsReported = new Map<string, number>();
    if (peerRejections !== undefined) {
      new Counter({
        name: 'hbc_peer_messages_rejected_total',
        help: 'inbound peer streams and messages this node refused, by reason (each is answered with a gRPC status, a failed TLS handshake by closing the connection; logged at most once a second per reason)',
        labelNames: ['reason'],
        registers,
        collect() {
          // The transport's counts are the source of truth; the counter mirrors them at scrape time.
          for (const [reason, count] of peerRejections()) {
            const current = rejectionsReported.get(reason) ?? 0;
            if (count > current) this.inc({ reason }, count - current);
            else if (current === 0) this.inc({ reason }, 0);
            rejectionsReported.set(reason, Math.max(current, count));
          }
        },
      });
    }
    let busyReportedSeconds = 0;
    new Counter({
      name: 'hbc_event_loop_busy_seconds_total',
      help:
        "time this process's event loop spent running code rather than waiting for I/O or timers (event-loop " +
        "utilization); its rate is the share of one core's time the node keeps its main thread busy",
      registers,
      collect() {
        const busySeconds = performance.eventLoopUtilization().active / 1000;
        this.inc(Math.max(0, busySeconds - busyReportedSeconds));
        busyReportedSeconds = Math.max(busySeconds, busyReportedSeconds);
      },
    });

    const leaderChanges = new Counter({
      name: 'hbc_leader_changes_total',
      help: 'times this node learned of a new leader (changes to "no leader known" are not counted)',
      registers,
    });
    const electionsStarted = new Counter({
      name: 'hbc_elections_started_total',
      help: 'campaigns this node started, pre-vote rounds and real elections',
      labelNames: ['pre_vote'],
      registers,
    });
    const electionsWon = new Counter({ name: 'hbc_elections_won_total', help: 'elections this node won', registers });
    const electionsLost = new Counter({
      name: 'hbc_elections_lost_total',
      help: 'campaigns this node lost, by reason (pre-vote rounds included)',
      labelNames: ['reason'],
      registers,
    });
    const preVotesRejected = new Counter({
      name: 'hbc_pre_votes_rejected_total',
      help: "pre-vote rounds this node lost because a majority rejected it (not individual peers' rejections)",
      registers,
    });
    const stalls = new Counter({ name: 'hbc_stalls_detected_total', help: 'timers that fired far too late: the process was paused or starved', registers });
    const safetyAlarms = new Counter({
      name: 'hbc_safety_alarms_total',
      help: 'messages a correct cluster never sends, refused (second leader in a term, TimeoutNow from a non-leader, far-off term) and a term exhausted; any is worth a look',
      labelNames: ['alarm'],
      registers,
    });
    // Label sets that exist from the start, so rates work from the first scrape.
    for (const alarm of safetyAlarmKinds) safetyAlarms.inc({ alarm }, 0);
    for (const preVote of ['true', 'false']) electionsStarted.inc({ pre_vote: preVote }, 0);
    for (const reason of ['rejected', 'timed-out', 'higher-term', 'other-leader']) electionsLost.inc({ reason }, 0);

    const heartbeatsSent = new Counter({
      name: 'hbc_heartbeats_sent_total',
      help: 'heartbeats this node sent as leader, per peer (handed to the transport; a partition may still drop them)',
      labelNames: ['peer'],
      registers,
    });
    const heartbeatsReceived = new Counter({
      name: 'hbc_heartbeats_received_total',
      help: 'heartbeats this node received from a leader, per sender',
      labelNames: ['peer'],
      registers,
    });
    const acksReceived = new Counter({
      name: 'hbc_heartbeat_acks_received_total',
      help: "followers' acknowledgements of this leader's heartbeats, per peer",
      labelNames: ['peer'],
      registers,
    });
    const roundTripSeconds = new Histogram({
      name: 'hbc_heartbeat_round_trip_seconds',
      help: "time from sending a heartbeat to a peer to that peer's ack of the same round, on the leader",
      labelNames: ['peer'],
      buckets: roundTripBuckets,
      registers,
    });
    const roundTrips = new HeartbeatRoundTrips();
    this.stopObservingTraffic = source.observeTraffic(({ direction, peer, message, atMs }: PeerTraffic) => {
      if (message.kind === 'heartbeat') {
        if (direction === 'sent') {
          heartbeatsSent.inc({ peer });
          roundTrips.sent(peer, message.term, message.round, atMs);
        } else {
          heartbeatsReceived.inc({ peer });
        }
      } else if (message.kind === 'heartbeat-ack' && direction === 'received') {
        acksReceived.inc({ peer });
        const roundTripMs = roundTrips.acked(peer, message.term, message.round, atMs);
        if (roundTripMs !== null) roundTripSeconds.observe({ peer }, roundTripMs / 1000);
      }
    });

    this.unsubscribe = source.subscribe(({ event }) => {
      switch (event.type) {
        case 'leader-changed':
          if (event.leaderId !== null) leaderChanges.inc();
          break;
        case 'election-started':
          electionsStarted.inc({ pre_vote: String(event.preVote) });
          break;
        case 'election-won':
          electionsWon.inc();
          break;
        case 'election-lost':
          electionsLost.inc({ reason: event.reason });
          if (event.preVote && event.reason === 'rejected') preVotesRejected.inc();
          break;
        case 'stall-detected':
          stalls.inc();
          break;
        case 'safety-alarm':
          safetyAlarms.inc({ alarm: event.alarm.kind });
          break;
        default:
          break;
      }
    });
  }

  /** The exposition text for a scrape. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.unsubscribe();
    this.stopObservingTraffic();
  }
}
