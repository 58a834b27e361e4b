import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedDir, generateProtoTypes } from '../../scripts/gen-proto.ts';

/** Every file under `dir`, by its path relative to `dir`, with its text. */
function readTree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return new Map(
    files
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
      .sort()
      .map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]),
  );
}

describe('generated wire types', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hbc-gen-proto-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('are what the generator makes from proto/ now (run `npm run gen:proto` after changing a .proto)', () => {
    generateProtoTypes(scratch);
    const fresh = readTree(scratch);
    const checkedIn = readTree(generatedDir);
    expect([...checkedIn.keys()]).toEqual([...fresh.keys()]);
    for (const [file, text] of fresh) expect(checkedIn.get(file), file).toBe(text);
  });
});
