import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../src/harness/node-command.ts';

/** Git-ignored. */
export const resultsDir = path.join(repoRoot, 'bench-results');

/** Writes `bench-results/<name>-<timestamp>.json` and answers its path. */
export async function writeResults(name: string, startedAt: Date, results: unknown): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z');
  const file = path.join(resultsDir, `${name}-${stamp}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
