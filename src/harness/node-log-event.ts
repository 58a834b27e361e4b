import type { CoreEvent, SafetyAlarm } from '../core/core-event.ts';
import type { NodeId } from '../core/ids.ts';

/**
 * What one node's JSON log line says, typed: the core's own events (the driver logs each
 * `CoreEvent` with its `type` as `event`, its fields flat, and the step's `mono`), the node's
 * runtime lines a reader of logs needs, and every other event by name only.
 */
export type NodeLine =
  | CoreEvent
  /** The node loaded its hard state. */
  | { readonly type: 'started'; readonly term: number; readonly votedFor: string | null }
  /** Its services are up; `monoOriginMs` is where its `performance.now()` zero lies on the machine's monotonic clock. */
  | { readonly type: 'listening'; readonly monoOriginMs: number }
  /** The lease's end moved (debug level). */
  | { readonly type: 'lease-extended'; readonly term: number; readonly untilMs: number }
  /** The crash torture's probe killed the process around a hard-state write (persist-kill-probe.mjs). */
  | {
      readonly type: 'persist-kill';
      readonly phase: 'before' | 'during' | 'after';
      readonly writingTerm: number | null;
      readonly writingVotedFor: string | null;
    }
  | { readonly type: 'other' };

/**
 * One JSON line a node printed on stdout that names an `event` (pino's `time` is `Date.now()`
 * at the moment of logging, so these stamps have whole-millisecond resolution and share the
 * bench's wall clock: every process runs on the same machine).
 */
export interface NodeLogEvent {
  readonly node: NodeId;
  readonly wallMs: number;
  /** When the line reached the reader, on this machine's monotonic clock (hostMonotonicMs); null when read from a file without the stamp. */
  readonly receivedAtMs: number | null;
  /** The process that wrote it (pino's `pid`); every incarnation is its own process. */
  readonly pid: number | null;
  /** The node's monotonic time of the step that logged it; null on lines without one. */
  readonly mono: number | null;
  readonly event: string;
  readonly line: NodeLine;
  /** The whole line as written, for fields only some readers want (a benchmark's probe, a timeline). */
  readonly fields: Readonly<Record<string, unknown>>;
}

type FieldKind = 'number' | 'boolean' | 'string' | 'string-or-null' | 'number-or-null';

/**
 * The fields each typed line must carry. The node writes them from its own typed values, so a
 * line that has them with these types is that value; one that lacks them (cut short, written by
 * another version) counts as `other` rather than failing the reader.
 */
const lineFields = {
  'role-changed': { term: 'number', from: 'string', to: 'string' },
  'term-changed': { from: 'number', to: 'number' },
  'leader-changed': { term: 'number', leaderId: 'string-or-null' },
  'election-started': { term: 'number', preVote: 'boolean', transfer: 'boolean' },
  'election-won': { term: 'number' },
  'election-lost': { term: 'number', preVote: 'boolean', reason: 'string' },
  'stepped-down': { term: 'number', reason: 'string' },
  'vote-granted': { term: 'number', candidate: 'string', preVote: 'boolean' },
  'lease-acquired': { term: 'number', untilMs: 'number' },
  'lease-lost': { term: 'number', reason: 'string' },
  'stall-detected': { term: 'number', lateByMs: 'number' },
  started: { term: 'number', votedFor: 'string-or-null' },
  listening: { monoOriginMs: 'number' },
  'lease-extended': { term: 'number', untilMs: 'number' },
  'persist-kill': { phase: 'string', writingTerm: 'number-or-null', writingVotedFor: 'string-or-null' },
} as const satisfies Record<Exclude<NodeLine['type'], 'other' | 'safety-alarm'>, Record<string, FieldKind>>;

/** Pino's and the driver's stamps on every line; the rest of a safety alarm's line is the alarm. */
const stampFields = new Set(['level', 'time', 'pid', 'hostname', 'node', 'event', 'msg', 'mono', 'receivedAtMs', 'term', 'suppressed']);

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'string-or-null':
      return value === null || typeof value === 'string';
    case 'number-or-null':
      return value === null || typeof value === 'number';
  }
}

function typedLine(event: string, fields: Readonly<Record<string, unknown>>): NodeLine {
  if (event === 'safety-alarm') {
    if (typeof fields.term !== 'number' || typeof fields.kind !== 'string') return { type: 'other' };
    const alarm = Object.fromEntries(Object.entries(fields).filter(([name]) => !stampFields.has(name)));
    return { type: 'safety-alarm', term: fields.term, alarm: alarm as unknown as SafetyAlarm };
  }
  if (!Object.hasOwn(lineFields, event)) return { type: 'other' };
  const wanted: Readonly<Record<string, FieldKind>> = lineFields[event as keyof typeof lineFields];
  const line: Record<string, unknown> = { type: event };
  for (const [name, kind] of Object.entries(wanted)) {
    if (!hasKind(fields[name], kind)) return { type: 'other' };
    line[name] = fields[name];
  }
  // Checked field by field against the table, which covers every typed line.
  return line as unknown as NodeLine;
}

/**
 * A JSON line as the harness writes it to a log file: with `receivedAtMs`, when the line reached
 * the harness on the machine's monotonic clock, so that a node whose own clock runs at another
 * rate (libfaketime) can still be put on the machine's clock afterwards. Other lines are unchanged.
 */
export function stampReceipt(line: string, receivedAtMs: number): string {
  return line.startsWith('{') && line.endsWith('}') ? `${line.slice(0, -1)},"receivedAtMs":${receivedAtMs.toFixed(3)}}` : line;
}

/** Null for lines that are not event log entries (Node warnings, plain log lines). */
export function parseNodeLogLine(node: NodeId, text: string, receivedAtMs: number | null = null): NodeLogEvent | null {
  if (!text.startsWith('{')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.event !== 'string' || typeof fields.time !== 'number') return null;
  const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  return {
    node,
    wallMs: fields.time,
    receivedAtMs: receivedAtMs ?? number(fields.receivedAtMs),
    pid: number(fields.pid),
    mono: number(fields.mono),
    event: fields.event,
    line: typedLine(fields.event, fields),
    fields,
  };
}

/** Every event line of a node's log text, in order. */
export function parseNodeLog(node: NodeId, text: string): NodeLogEvent[] {
  return text.split('\n').flatMap((line) => parseNodeLogLine(node, line) ?? []);
}

/** A field only some readers want (the typed `line` has the ones every reader needs). */
export function numberField(event: NodeLogEvent, name: string): number | null {
  const value = event.fields[name];
  return typeof value === 'number' ? value : null;
}

export function stringField(event: NodeLogEvent, name: string): string | null {
  const value = event.fields[name];
  return typeof value === 'string' ? value : null;
}

const commonFields = new Set(['level', 'time', 'pid', 'hostname', 'node', 'event', 'msg']);

/**
 * The node's log lines from `fromWallMs` to `toWallMs` as short text, times relative to
 * `fromWallMs`: `+552 n1 election-started term=6 preVote=true`. Kept in the JSON results so
 * that an odd trial can be explained afterwards.
 */
export function timeline(events: readonly NodeLogEvent[], fromWallMs: number, toWallMs: number): string[] {
  return events
    .filter((entry) => entry.wallMs >= fromWallMs && entry.wallMs <= toWallMs)
    .sort((a, b) => a.wallMs - b.wallMs)
    .map((entry) => {
      const fields = Object.entries(entry.fields)
        .filter(([name]) => !commonFields.has(name))
        .map(([name, value]) => `${name}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(1) : String(value)}`);
      return [`+${entry.wallMs - fromWallMs}`, entry.node, entry.event, ...fields].join(' ');
    });
}
