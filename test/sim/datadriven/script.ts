/**
 * The text format of a datadriven scenario, as in etcd-io/raft's testdata (cockroachdb/datadriven):
 *
 *     # a comment
 *     command positional key=value
 *     ----
 *     expected output, up to the next blank line
 *
 * Output never contains a blank line (the runner prints `ok` for none), so a blank line always
 * ends a block and a file can be rewritten from actual output without losing its comments.
 */
export interface Directive {
  /** 1-based line of the command, for error messages. */
  readonly line: number;
  readonly command: string;
  readonly positional: readonly string[];
  readonly args: ReadonlyMap<string, string>;
  readonly expected: string;
  /** Lines [from, to) of the file that hold the expected block, for rewriting. */
  readonly expectedLines: { readonly from: number; readonly to: number };
}

export const separator = '----';

export function parseScript(text: string, file: string): Directive[] {
  const lines = text.split('\n');
  const directives: Directive[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) {
      i += 1;
      continue;
    }
    const line = i + 1;
    if (lines[i + 1]?.trim() !== separator) throw new Error(`${file}:${line}: "${raw}" must be followed by a ${separator} line`);
    const from = i + 2;
    let to = from;
    while (to < lines.length && lines[to]!.trim() !== '') to += 1;
    directives.push({ line, ...parseCommand(raw), expected: lines.slice(from, to).join('\n'), expectedLines: { from, to } });
    i = to;
  }
  return directives;
}

function parseCommand(raw: string): Pick<Directive, 'command' | 'positional' | 'args'> {
  const [command = '', ...tokens] = raw.split(/\s+/);
  const positional: string[] = [];
  const args = new Map<string, string>();
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq > 0) args.set(token.slice(0, eq), token.slice(eq + 1));
    else positional.push(token);
  }
  return { command, positional, args };
}

/** The file with every expected block replaced by the actual output of its directive. */
export function rewriteScript(text: string, directives: readonly Directive[], actual: readonly string[]): string {
  const lines = text.split('\n');
  // From the last block back, so earlier line numbers stay valid.
  for (let k = directives.length - 1; k >= 0; k--) {
    const { from, to } = directives[k]!.expectedLines;
    lines.splice(from, to - from, ...actual[k]!.split('\n'));
  }
  return lines.join('\n');
}
