import type { NodeId } from '../core/ids.ts';

/**
 * One JSON line a node printed on stdout that names an `event` (pino's `time` is `Date.now()`
 * at the moment of logging, so these stamps have whole-millisecond resolution and share the
 * bench's wall clock: every process runs on the same machine).
 */
export interface NodeLogEvent {
  readonly node: NodeId;
  readonly wallMs: number;
  /** When the line reached the reader, on this machine's monotonic clock (hostMonotonicMs); null when read from a file. */
  readonly receivedAtMs: number | null;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
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
export function parseNodeLogLine(node: NodeId, line: string, receivedAtMs: number | null = null): NodeLogEvent | null {
  if (!line.startsWith('{')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.event !== 'string' || typeof fields.time !== 'number') return null;
  const stamped = typeof fields.receivedAtMs === 'number' ? fields.receivedAtMs : null;
  return { node, wallMs: fields.time, receivedAtMs: receivedAtMs ?? stamped, event: fields.event, fields };
}

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
