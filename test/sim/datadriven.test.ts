import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioRunner } from './datadriven/scenario-runner.ts';
import { parseScript, rewriteScript } from './datadriven/script.ts';

const dir = join(import.meta.dirname, 'testdata');
/** REWRITE=1 replaces every expected block with the actual output; review the diff before committing it. */
const rewrite = process.env['REWRITE'] === '1';

describe('datadriven scenarios (test/sim/testdata)', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();

  it('finds the scenario files', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s', (file) => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const directives = parseScript(text, file);
    const runner = new ScenarioRunner();
    const actual: string[] = [];
    for (const d of directives) {
      let output: string;
      try {
        output = runner.run(d);
      } catch (error) {
        throw new Error(`${file}:${d.line}: ${d.command}: ${(error as Error).message}`, { cause: error });
      }
      actual.push(output);
      // Later blocks build on earlier ones: the first mismatch is the one worth reading.
      if (!rewrite) expect(output, `${file}:${d.line}: ${d.command} ${[...d.positional].join(' ')}`).toBe(d.expected);
    }
    if (rewrite) writeFileSync(path, rewriteScript(text, directives, actual));
  });
});
