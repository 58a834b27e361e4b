import type { NodeEvent } from '../client/admin-responses.ts';
import { formatClock } from '../util/clock-time.ts';

/** e.g. `12:00:01.234  n2  term 5  role-changed follower -> leader`. */
export function formatEventLine(event: NodeEvent, nodeName: string): string {
  // The detail may repeat the event's own fields; the line shows them once.
  const repeated = (key: string, value: unknown): boolean => key === 'node' || key === 'type' || (key === 'term' && value === event.term);
  const detail = describeEventDetail(Object.fromEntries(Object.entries(event.detail).filter(([key, value]) => !repeated(key, value))));
  return `${formatClock(event.wallTimeMs)}  ${event.node || nodeName}  term ${event.term}  ${event.type}${detail === '' ? '' : ` ${detail}`}`;
}

/** e.g. `12:00:01.234  n2  unreachable`. */
export function formatNodeLine(wallTimeMs: number, nodeName: string, text: string): string {
  return `${formatClock(wallTimeMs)}  ${nodeName}  ${text}`;
}

/**
 * Event details are free-form JSON whose fields depend on the type, so they are described by
 * shape rather than per type: `from`/`to` pairs as `a -> b`, true flags by name (false ones are
 * noise), a leader id as `leader n3` or `no leader`, anything else as `name value`.
 */
export function describeEventDetail(detail: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const pairsFromTo = 'from' in detail && 'to' in detail;
  for (const [key, value] of Object.entries(detail)) {
    if (pairsFromTo && key === 'to') continue;
    if (pairsFromTo && key === 'from') parts.push(`${show(detail.from)} -> ${show(detail.to)}`);
    else if (key === 'leaderId') parts.push(value === null || value === '' ? 'no leader' : `leader ${show(value)}`);
    else if (value === true) parts.push(kebabCase(key));
    else if (value !== false) parts.push(`${kebabCase(key)} ${show(value)}`);
  }
  return parts.join(' ');
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
