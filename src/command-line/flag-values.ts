import { isValidId } from '../core/ids.ts';
import { parseNumberInRange } from '../util/command-line.ts';

export type FlagValue<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** `n2,n3` (spaces around commas are allowed) as node ids, each valid and listed once. */
export function parseIdList(raw: string, flag: string): FlagValue<readonly string[]> {
  const ids = raw
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) return { ok: false, problem: `${flag} needs at least one node id, e.g. n2,n3` };
  const invalid = ids.find((id) => !isValidId(id));
  if (invalid !== undefined) return { ok: false, problem: `${flag}: ${JSON.stringify(invalid)} is not a valid node id` };
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) return { ok: false, problem: `${flag} lists ${repeated} twice` };
  return { ok: true, value: ids };
}

export function parseNodeId(raw: string, what: string): FlagValue<string> {
  return isValidId(raw) ? { ok: true, value: raw } : { ok: false, problem: `${what}: ${JSON.stringify(raw)} is not a valid node id` };
}

/** A whole number within [min, max]; the bounds appear in the problem so it says how to fix it. */
export function parseWholeNumber(raw: string, flag: string, min: number, max: number): FlagValue<number> {
  const value = parseNumberInRange(raw, { min, max, integer: true });
  if (value === undefined) {
    return { ok: false, problem: `${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})` };
  }
  return { ok: true, value };
}
