import { asNodeId, type NodeId } from '../../../src/core/ids.ts';
import type { PeerMessage } from '../../../src/core/messages.ts';
import { simTimings } from '../random-schedule.ts';
import { SimCluster, type Arrival } from '../sim-cluster.ts';
import { formatEvent, formatMessage, formatOutcome, formatStatus, integer, ms, parseMessage, required } from './notation.ts';
import type { Directive } from './script.ts';

interface InFlight {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly message: PeerMessage;
}

/** Settling a flowing network: far more deliveries than any burst of one instant needs, so a loop is reported, not hung on. */
const settleLimit = 100_000;

/**
 * Runs scenario directives against a SimCluster whose network this runner owns: every message a
 * node sends lands in one FIFO queue. While the network flows, the queue is delivered at once
 * (zero latency, in send order) after every timer and command; after `hold` it waits for
 * `deliver`, `drop` or `release`. Everything else (timer jitter, clock offsets) comes from the
 * seed, so a scenario replays exactly. Any safety violation the sim's checker records is printed
 * in the output of the directive that caused it, so it can never sit unnoticed in a scenario.
 *
 * Commands: `cluster nodes= seed= heartbeat= election= jitter= drift= forget-on-crash=`,
 * `advance ms=`, `campaign n1`, `hold`, `release`, `messages`, `deliver [from= to= type=]`,
 * `deliver-all`, `drop [from= to= type=]`, `send-forged from= to= Kind field=...`,
 * `transfer n1 [to=]`, `step-down n1`, `crash n1`, `restart n1`, `partition n1 | n2 n3`, `heal`,
 * `status`, `events` (since the last `events`). Times print as global virtual time `t=`.
 */
export class ScenarioRunner {
  private current: SimCluster | null = null;
  private inFlight: InFlight[] = [];
  private held = false;
  private events: string[] = [];
  private violationsSeen = 0;

  run(d: Directive): string {
    const lines = this.execute(d);
    const sim = this.current;
    if (sim !== null) {
      if (!this.held) this.settle();
      for (const violation of sim.checker.violations.slice(this.violationsSeen)) lines.push(`VIOLATION ${violation}`);
      this.violationsSeen = sim.checker.violations.length;
    }
    return lines.length === 0 ? 'ok' : lines.join('\n');
  }

  private execute(d: Directive): string[] {
    switch (d.command) {
      case 'cluster':
        allow(d, 'nodes', 'seed', 'heartbeat', 'election', 'jitter', 'drift', 'forget-on-crash');
        this.start(d);
        return [];
      case 'advance':
        allow(d, 'ms');
        this.advance(Number(required(d.args, 'ms')));
        return [];
      case 'campaign':
        allow(d);
        return this.campaign(this.nodeArg(d));
      case 'hold':
        allow(d);
        this.held = true;
        return [];
      case 'release':
        allow(d);
        this.held = false;
        return [];
      case 'messages':
        allow(d);
        return this.inFlight.map((m) => formatMessage(m.from, m.to, m.message));
      case 'deliver':
        allow(d, 'from', 'to', 'type');
        return this.deliverMatching(d);
      case 'deliver-all':
        allow(d);
        return this.deliverAll();
      case 'drop':
        allow(d, 'from', 'to', 'type');
        return this.takeMatching(d).map((m) => `dropped ${formatMessage(m.from, m.to, m.message)}`);
      case 'send-forged':
        allow(d, 'from', 'to', 'term', 'round', 'preVote', 'transfer', 'granted', 'target');
        return [this.forge(d)];
      case 'transfer': {
        allow(d, 'to');
        const to = d.args.get('to');
        const outcome = this.sim.requestTransfer(this.nodeArg(d), to === undefined ? null : asNodeId(to));
        return [outcome === null ? 'node is down' : formatOutcome(outcome)];
      }
      case 'step-down': {
        allow(d);
        const outcome = this.sim.stepDown(this.nodeArg(d));
        return [outcome === null ? 'node is down' : formatOutcome(outcome)];
      }
      case 'crash':
        allow(d);
        this.sim.crash(this.nodeArg(d));
        return [];
      case 'restart':
        allow(d);
        this.sim.restart(this.nodeArg(d));
        return [];
      case 'partition':
        allow(d);
        this.partition(d);
        return [];
      case 'heal':
        allow(d);
        this.sim.heal();
        return [];
      case 'status':
        allow(d);
        return this.status();
      case 'events': {
        allow(d);
        const events = this.events;
        this.events = [];
        return events;
      }
      default:
        throw new Error(`unknown command ${d.command}`);
    }
  }

  private get sim(): SimCluster {
    if (this.current === null) throw new Error('no cluster yet: start with `cluster nodes=N`');
    return this.current;
  }

  private start(d: Directive): void {
    const number = (key: string, fallback: number): number => (d.args.has(key) ? Number(d.args.get(key)) : fallback);
    this.current = new SimCluster({
      nodes: d.args.has('nodes') ? integer(d.args, 'nodes') : 3,
      seed: d.args.has('seed') ? integer(d.args, 'seed') : 1,
      timings: {
        heartbeatIntervalMs: number('heartbeat', simTimings.heartbeatIntervalMs),
        electionTimeoutMinMs: number('election', simTimings.electionTimeoutMinMs),
        electionJitterMs: number('jitter', simTimings.electionJitterMs),
        maxClockDrift: number('drift', simTimings.maxClockDrift),
      },
      storeForgetsOnCrash: d.args.get('forget-on-crash') === 'true',
      onReady: (id, ready) => {
        for (const event of ready.events) this.events.push(`t=${ms(this.sim.now)} ${id} ${formatEvent(event, this.sim.clock(id))}`);
      },
      holdMessages: (from, to, message) => this.inFlight.push({ from, to, message }),
    });
    this.inFlight = [];
    this.held = false;
    this.events = [];
    this.violationsSeen = 0;
  }

  /** Runs timers up to `ms` from now; a flowing network is settled after every step that sent something. */
  private advance(ms: number): void {
    const sim = this.sim;
    const deadline = sim.now + ms;
    if (this.held) {
      sim.runUntil(deadline);
      return;
    }
    for (;;) {
      const at = sim.runUntilTrue(() => this.inFlight.length > 0, deadline - sim.now);
      this.settle();
      if (at === null) return;
    }
  }

  private settle(): void {
    for (let n = 0; this.inFlight.length > 0; n++) {
      if (n > settleLimit) throw new Error('the network does not settle: nodes answer each other forever');
      const next = this.inFlight.shift()!;
      this.sim.deliverNow(next.from, next.to, next.message);
    }
  }

  /** Fires the node's election timer now, by moving its clock ahead to it (so its own stickiness ends early too). */
  private campaign(id: NodeId): string[] {
    const role = this.sim.role(id);
    if (role === null) return [`${id} is down`];
    if (role === 'leader') return [`${id} leads: it has no election timer`];
    this.sim.fireTimerNow(id);
    return [];
  }

  /** Delivers the queued messages that match, as queued now; what they provoke is queued behind. */
  private deliverMatching(d: Directive): string[] {
    return this.takeMatching(d).map((m) => this.deliverOne(m));
  }

  private deliverAll(): string[] {
    const lines: string[] = [];
    for (let n = 0; this.inFlight.length > 0; n++) {
      if (n > settleLimit) throw new Error('deliver-all does not settle');
      lines.push(this.deliverOne(this.inFlight.shift()!));
    }
    return lines;
  }

  private deliverOne(m: InFlight): string {
    return describeArrival(m, this.sim.deliverNow(m.from, m.to, m.message));
  }

  private takeMatching(d: Directive): InFlight[] {
    const from = d.args.get('from');
    const to = d.args.get('to');
    const type = d.args.get('type');
    const matches = (m: InFlight): boolean =>
      (from === undefined || m.from === from) &&
      (to === undefined || m.to === to) &&
      (type === undefined || formatMessage(m.from, m.to, m.message).split(' ')[1] === type);
    const taken = this.inFlight.filter(matches);
    this.inFlight = this.inFlight.filter((m) => !matches(m));
    return taken;
  }

  /** Hands a hand-written message straight to its addressee, bypassing the queue (but not a partition). */
  private forge(d: Directive): string {
    const from = this.knownNode(required(d.args, 'from'));
    const to = this.knownNode(required(d.args, 'to'));
    const m = { from, to, message: parseMessage(d.positional[0], d.args) };
    return describeArrival(m, this.sim.deliverNow(from, to, m.message));
  }

  /** `partition n1 | n2 n3`: every link between two different groups is cut, both ways. */
  private partition(d: Directive): void {
    const groups: NodeId[][] = [[]];
    for (const token of d.positional) {
      if (token === '|') groups.push([]);
      else groups[groups.length - 1]!.push(this.knownNode(token));
    }
    if (groups.length < 2 || groups.some((g) => g.length === 0)) throw new Error('partition wants groups separated by |, e.g. partition n1 | n2 n3');
    for (let a = 0; a < groups.length; a++) {
      for (let b = a + 1; b < groups.length; b++) this.sim.partition(groups[a]!, groups[b]!);
    }
  }

  private status(): string[] {
    const sim = this.sim;
    const lines = [`t=${ms(sim.now)}`];
    for (const id of sim.ids) {
      const status = sim.status(id);
      if (status !== null) {
        lines.push(formatStatus(id, status));
      } else {
        const stored = sim.stored(id);
        lines.push(`${id} down stored-term=${stored.term} stored-vote=${stored.votedFor ?? '-'}`);
      }
    }
    return lines;
  }

  private nodeArg(d: Directive): NodeId {
    if (d.positional.length !== 1) throw new Error(`${d.command} wants one node, e.g. ${d.command} n1`);
    return this.knownNode(d.positional[0]!);
  }

  private knownNode(raw: string): NodeId {
    const id = this.sim.ids.find((known) => known === raw);
    if (id === undefined) throw new Error(`no node ${raw} in this cluster`);
    return id;
  }
}

function describeArrival(m: InFlight, arrival: Arrival): string {
  const line = formatMessage(m.from, m.to, m.message);
  return arrival === 'received' ? line : `${line} (lost: ${arrival})`;
}

function allow(d: Directive, ...keys: string[]): void {
  for (const key of d.args.keys()) {
    if (!keys.includes(key)) throw new Error(`${d.command} takes no ${key}= (it takes ${keys.length > 0 ? keys.join(', ') : 'none'})`);
  }
}
