import { execFileSync } from 'node:child_process';
import { repoRoot } from '../src/harness/node-command.ts';

/** Which code the nodes ran: others edit the working tree while benchmarks run. */
export interface SourceVersion {
  readonly commit: string;
  /** Uncommitted changes under src/ and proto/, as `git status --porcelain` lines. */
  readonly uncommitted: readonly string[];
}

export function sourceVersion(): SourceVersion {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trimEnd();
    } catch {
      return '';
    }
  };
  return {
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    uncommitted: git('status', '--porcelain', '--', 'src', 'proto')
      .split('\n')
      .filter((line) => line !== ''),
  };
}

export function formatSourceVersion(version: SourceVersion): string {
  if (version.uncommitted.length === 0) return `nodes run commit ${version.commit}, src/ and proto/ unmodified`;
  const files = version.uncommitted.map((line) => line.slice(3));
  const shown = files.length > 6 ? [...files.slice(0, 6), `${files.length - 6} more`] : files;
  return `nodes run commit ${version.commit} plus uncommitted changes to ${shown.join(', ')}`;
}
