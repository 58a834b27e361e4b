import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asNodeId } from '../../src/core/ids.ts';
import {
  HARD_STATE_SUBDIR,
  LevelHardStateStore,
  type OpenHardStateStoreResult,
} from '../../src/storage/level-hard-state-store.ts';

let dataDir: string;
const opened: LevelHardStateStore[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hb-hard-state-'));
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function openOk(dir = dataDir): Promise<LevelHardStateStore> {
  const result = await LevelHardStateStore.open(dir);
  if (!result.ok) throw new Error(`expected open to succeed: ${result.message}`);
  opened.push(result.store);
  return result.store;
}

async function openFailure(dir = dataDir): Promise<Extract<OpenHardStateStoreResult, { ok: false }>> {
  const result = await LevelHardStateStore.open(dir);
  if (result.ok) {
    opened.push(result.store);
    throw new Error('expected open to fail');
  }
  return result;
}

/** Writes raw values straight into the store's LevelDB, bypassing all validation. */
async function writeRaw(entries: Record<string, string>): Promise<void> {
  const db = new Level<string, string>(path.join(dataDir, HARD_STATE_SUBDIR));
  await db.open();
  await db.batch(Object.entries(entries).map(([key, value]) => ({ type: 'put' as const, key, value })));
  await db.close();
}

async function readRaw(key: string): Promise<string | undefined> {
  const db = new Level<string, string>(path.join(dataDir, HARD_STATE_SUBDIR));
  await db.open();
  try {
    return await db.get(key);
  } finally {
    await db.close();
  }
}

/** Creates a valid store with some state in it, then closes it. */
async function createStore(): Promise<void> {
  const store = await openOk();
  await store.save({ term: 5, votedFor: asNodeId('n2') });
  await store.bumpIncarnation();
  await store.close();
}

describe('LevelHardStateStore', () => {
  it('a new store loads term 0 with no vote, inside <dataDir>/state', async () => {
    const store = await openOk(path.join(dataDir, 'not', 'yet', 'created'));
    expect(await store.load()).toEqual({ term: 0, votedFor: null });
    expect(store.location).toBe(path.join(dataDir, 'not', 'yet', 'created', 'state'));
  });

  it('term, vote and incarnation survive close and reopen', async () => {
    const first = await openOk();
    expect(await first.bumpIncarnation()).toBe(1);
    await first.save({ term: 3, votedFor: asNodeId('n1') });
    await first.save({ term: 4, votedFor: null });
    await first.save({ term: 4, votedFor: asNodeId('node-3.b_x') });
    await first.close();

    const second = await openOk();
    expect(await second.load()).toEqual({ term: 4, votedFor: 'node-3.b_x' });
    expect(await second.bumpIncarnation()).toBe(2);
    await second.close();

    const third = await openOk();
    expect(await third.bumpIncarnation()).toBe(3);
    expect(await third.load()).toEqual({ term: 4, votedFor: 'node-3.b_x' });
  });

  it('operations issued without awaiting complete in order', async () => {
    const store = await openOk();
    const results = await Promise.all([
      store.bumpIncarnation(),
      store.save({ term: 1, votedFor: asNodeId('n1') }),
      store.bumpIncarnation(),
      store.save({ term: 2, votedFor: null }),
      store.load(),
    ]);
    expect(results).toEqual([1, undefined, 2, undefined, { term: 2, votedFor: null }]);
  });

  it('refuses to save an invalid hard state and keeps the stored one', async () => {
    const store = await openOk();
    await store.save({ term: 2, votedFor: asNodeId('n1') });
    await expect(store.save({ term: -1, votedFor: null })).rejects.toThrow(/term is -1/);
    await expect(store.save({ term: 3, votedFor: 'bad id!' as never })).rejects.toThrow(/votedFor is "bad id!"/);
    expect(await store.load()).toEqual({ term: 2, votedFor: 'n1' });
  });

  it('a second open of a data dir in use reports "locked" and leaves the first store working', async () => {
    const first = await openOk();
    await first.save({ term: 8, votedFor: asNodeId('n3') });

    const failure = await openFailure();
    expect(failure.reason).toBe('locked');
    expect(failure.message).toBe(
      `data dir ${dataDir} is in use by another process (LevelDB lock held on ` +
        `${path.join(dataDir, 'state', 'LOCK')}); stop that node or choose another --data-dir`,
    );

    expect(await first.load()).toEqual({ term: 8, votedFor: 'n3' });
    await first.save({ term: 9, votedFor: null });
    expect(await first.bumpIncarnation()).toBe(1);
    await first.close();

    const reopened = await openOk();
    expect(await reopened.load()).toEqual({ term: 9, votedFor: null });
  });

  it('close is idempotent and later operations reject clearly', async () => {
    const store = await openOk();
    await Promise.all([store.close(), store.close()]);
    await store.close();
    await expect(store.load()).rejects.toThrow(/is closed/);
    await expect(store.save({ term: 1, votedFor: null })).rejects.toThrow(/is closed/);
  });

  describe('corrupt stores are reported, never reset', () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['a negative term', { term: '-3' }, /term is -3, expected a non-negative integer/],
      ['a term that is not JSON', { term: 'abc' }, /term is "abc", which is not valid JSON/],
      ['a fractional term', { term: '1.5' }, /term is 1.5/],
      ['an invalid votedFor', { votedFor: JSON.stringify('bad id!') }, /votedFor is "bad id!", expected null or a valid node id/],
      ['a votedFor that is not JSON', { votedFor: 'bad id!' }, /votedFor is "bad id!", which is not valid JSON/],
      ['a negative incarnation', { incarnation: '-1' }, /incarnation is -1/],
      ['an unexpected key', { extra: '1' }, /unexpected key\(s\) "extra"/],
    ];
    for (const [what, bad, problem] of cases) {
      it(`${what}`, async () => {
        await createStore();
        await writeRaw(bad);

        const failure = await openFailure();
        expect(failure.reason).toBe('corrupt');
        expect(failure.message).toMatch(problem);
        expect(failure.message).toContain(`data dir ${dataDir}`);
        expect(failure.message).toContain('is corrupt');
        expect(failure.message).toContain('NOT modified');

        for (const [key, value] of Object.entries(bad)) expect(await readRaw(key)).toBe(value);
        expect(await readRaw('term')).toBe(bad.term ?? '5');
        expect(await readRaw('incarnation')).toBe(bad.incarnation ?? '1');
        // Still refused on the next attempt: nothing was "repaired" behind the user's back.
        expect((await openFailure()).reason).toBe('corrupt');
      });
    }

    it('a store with a key missing', async () => {
      await writeRaw({ format: '1', term: '2', votedFor: 'null' });
      const failure = await openFailure();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toMatch(/key "incarnation" is missing/);
      expect(await readRaw('term')).toBe('2');
    });

    it('a store written by a newer format version is reported as unreadable', async () => {
      await createStore();
      await writeRaw({ format: '2' });
      const failure = await openFailure();
      expect(failure.reason).toBe('unreadable');
      expect(failure.message).toMatch(/has format 2, but this version only reads format 1; it was NOT modified/);
      expect(await readRaw('format')).toBe('2');
    });
  });

  describe('directories that do not hold a usable store', () => {
    it('a CURRENT file with junk is reported as corrupt and left untouched', async () => {
      const location = path.join(dataDir, 'state');
      await mkdir(location);
      await writeFile(path.join(location, 'CURRENT'), 'this is not leveldb\n');

      const failure = await openFailure();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toMatch(/CURRENT file does not name a LevelDB manifest/);
      expect(failure.message).toContain(`data dir ${dataDir}`);
      expect(await readdir(location)).toEqual(['CURRENT']);
      expect(await readFile(path.join(location, 'CURRENT'), 'utf8')).toBe('this is not leveldb\n');
    });

    it('a store whose CURRENT file was lost is reported as corrupt, not recreated', async () => {
      await createStore();
      const location = path.join(dataDir, 'state');
      await rm(path.join(location, 'CURRENT'));
      const before = (await readdir(location)).sort();

      const failure = await openFailure();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toMatch(/holds LevelDB files \(.*\) but no CURRENT file/);
      expect((await readdir(location)).sort()).toEqual(before);
    });

    it('unrelated files are reported as unreadable and left untouched', async () => {
      const location = path.join(dataDir, 'state');
      await mkdir(location);
      await writeFile(path.join(location, 'notes.txt'), 'mine');

      const failure = await openFailure();
      expect(failure.reason).toBe('unreadable');
      expect(failure.message).toBe(
        `data dir ${dataDir}: ${location} is not a hard-state store (it contains notes.txt and no LevelDB ` +
          `database); it was NOT modified. Move those files away or choose another --data-dir`,
      );
      expect(await readdir(location)).toEqual(['notes.txt']);
    });

    it('a data dir that is a regular file is reported as unreadable', async () => {
      const file = path.join(dataDir, 'a-file');
      await writeFile(file, 'x');
      const failure = await openFailure(file);
      expect(failure.reason).toBe('unreadable');
      expect(failure.message).toMatch(new RegExp(`^data dir ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot use`));
      expect(failure.message).toMatch(/make sure --data-dir names a directory this user can write to/);
      expect(await readFile(file, 'utf8')).toBe('x');
    });
  });
});
