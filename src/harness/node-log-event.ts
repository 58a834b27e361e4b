import type { NodeId } from '../core/ids.ts';

/**
 * One JSON line a node printed on stdout that names an `event` (pino's `time` is `Date.now()`
 * at the moment of logging, so these stamps have whole-millisecond resolution and share the
 * bench's wall clock: every process runs on the same machine).
 */
export interface NodeLogEvent {
  readonly node: NodeId;
  readonly wallMs: number;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Null for lines that are not event log entries (Node warnings, plain log lines). */
export function parseNodeLogLine(node: NodeId, line: string): NodeLogEvent | null {
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
  return { node, wallMs: fields.time, event: fields.event, fields };
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
