import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asNodeId } from '../../src/core/ids.ts';
import { SLOT_BYTES } from '../../src/storage/hard-state-record.ts';
import { HARD_STATE_SUBDIR, LevelHardStateStore, type OpenHardStateStoreResult } from '../../src/storage/level-hard-state-store.ts';

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

/** Every file under `dir`: its path, size and SHA-256, so a test can tell whether anything changed. */
async function snapshot(dir: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of (await readdir(current, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      const relative = path.relative(dir, full);
      if (entry.isDirectory()) {
        lines.push(`${relative}/`);
        await walk(full);
      } else {
        const bytes = await readFile(full);
        lines.push(`${relative} ${bytes.length} ${createHash('sha256').update(bytes).digest('hex')}`);
      }
    }
  };
  await walk(dir);
  return lines;
}

/** Opens the store expecting a refusal, and checks that not one byte of the data dir changed. */
async function expectRefusalLeavesFilesAlone(dir = dataDir): Promise<Extract<OpenHardStateStoreResult, { ok: false }>> {
  const before = await snapshot(dir);
  const failure = await openFailure(dir);
  expect(await snapshot(dir)).toEqual(before);
  expect(failure.message).toContain('NOT modified');
  return failure;
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

        const failure = await expectRefusalLeavesFilesAlone();
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
      await writeRaw({ format: '3' });
      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('unreadable');
      expect(failure.message).toMatch(/has format 3, but this version only reads formats 1 and 2; it was NOT modified/);
      expect(await readRaw('format')).toBe('3');
    });
  });

  describe('the record beside the store catches a store that lost writes or disagrees with it', () => {
    const location = (): string => path.join(dataDir, 'state');
    const recordFile = (): string => path.join(dataDir, 'hard-state.json');
    /** Both slots of the record, as JSON objects; null for a blank slot. */
    const readSlots = async (): Promise<(Record<string, unknown> | null)[]> => {
      const bytes = await readFile(recordFile());
      return [bytes.subarray(0, SLOT_BYTES), bytes.subarray(SLOT_BYTES)].map((slot) =>
        slot.toString('utf8').trim() === '' ? null : (JSON.parse(slot.toString('utf8')) as Record<string, unknown>),
      );
    };
    /** The newest write the record holds. */
    const readRecord = async (): Promise<Record<string, unknown>> => {
      const slots = (await readSlots()).filter((slot) => slot !== null);
      return slots.reduce((newest, slot) => (Number(slot.seq) > Number(newest.seq) ? slot : newest));
    };
    /** Overwrites one slot in place with `text`, padded as the node pads it. */
    const writeSlot = async (index: number, text: string): Promise<void> => {
      const bytes = await readFile(recordFile());
      Buffer.from(`${text.padEnd(SLOT_BYTES - 1, ' ').slice(0, SLOT_BYTES - 1)}\n`).copy(bytes, index * SLOT_BYTES);
      await writeFile(recordFile(), bytes);
    };
    const logFile = async (): Promise<string> => {
      const name = (await readdir(location())).find((entry) => entry.endsWith('.log'));
      if (name === undefined) throw new Error('no LevelDB log file');
      return path.join(location(), name);
    };

    /** The finding's sequence: term 1 saved in one run, term 2 (voting for n1) in the next. */
    async function saveTermsInTwoRuns(): Promise<void> {
      const first = await openOk();
      await first.save({ term: 1, votedFor: null });
      await first.close();
      const second = await openOk();
      await second.save({ term: 2, votedFor: asNodeId('n1') });
      await second.close();
    }

    it('every write also goes to a checksummed record, hard-state.json', async () => {
      const store = await openOk();
      await store.save({ term: 2, votedFor: asNodeId('n1') });
      expect(await store.bumpIncarnation()).toBe(1);
      await store.close();
      const record = await readRecord();
      expect(record).toEqual({ format: 1, seq: 3, term: 2, votedFor: 'n1', incarnation: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      // Two slots, written in turn in place: the newest write in slot seq % 2, the one before in the other.
      expect((await stat(recordFile())).size).toBe(2 * SLOT_BYTES);
      expect(await readSlots()).toEqual([expect.objectContaining({ seq: 2, term: 2, votedFor: 'n1', incarnation: 0 }), expect.objectContaining({ seq: 3 })]);
      expect(await readRaw('seq')).toBe('3');
      expect(await readdir(dataDir)).toEqual(['hard-state.json', 'state']);
    });

    for (const [what, damage] of [
      ['emptied', (file: string) => truncate(file, 0)],
      ['cut short', async (file: string) => truncate(file, (await stat(file)).size - 3)],
      ['deleted', (file: string) => rm(file)],
    ] as const) {
      it(`a LevelDB write-ahead log ${what} after two saves is refused as rolled back, files untouched`, async () => {
        await saveTermsInTwoRuns();
        await damage(await logFile());

        const failure = await expectRefusalLeavesFilesAlone();
        expect(failure.reason).toBe('rolled-back');
        expect(failure.message).toContain(`data dir ${dataDir}: the hard-state store ${location()} is at write 2: term 1, no vote`);
        expect(failure.message).toContain(`behind its record ${recordFile()} is at write 3: term 2, voted for n1`);
        expect(failure.message).toMatch(/vote twice in a term; it was NOT modified\. Restore the whole data dir/);
        expect((await openFailure()).reason).toBe('rolled-back');
      });
    }

    const tamperings: Array<[string, (slot: Record<string, unknown>) => string, RegExp]> = [
      ['a changed term', (slot) => JSON.stringify({ ...slot, term: 9 }), /its checksum does not match its contents/],
      ['a changed checksum', (slot) => JSON.stringify({ ...slot, sha256: '0'.repeat(64) }), /its checksum does not match/],
      ['its end cut off', (slot) => JSON.stringify(slot).slice(0, 20), /it is not valid JSON/],
      ['a missing field', ({ sha256: _sha256, ...rest }) => JSON.stringify(rest), /field\(s\) "sha256" missing/],
      ['an extra field', (slot) => JSON.stringify({ ...slot, note: 'x' }), /unexpected field\(s\) "note"/],
      ['an array', () => '[]', /it is not a JSON object/],
    ];
    for (const [what, tamper, problem] of tamperings) {
      // saveTermsInTwoRuns ends at write 3 (slot 1); slot 0 holds write 2, which no crash rewrites.
      it(`a record whose older slot has ${what} is refused as corrupt, files untouched`, async () => {
        await saveTermsInTwoRuns();
        const [older] = await readSlots();
        if (!older) throw new Error('slot 0 is blank');
        await writeSlot(0, tamper(older));

        const failure = await expectRefusalLeavesFilesAlone();
        expect(failure.reason).toBe('corrupt');
        expect(failure.message).toContain(`data dir ${dataDir}: the hard-state record ${recordFile()} is damaged (slot 1: `);
        expect(failure.message).toMatch(problem);
      });
    }

    it('a record with both slots damaged, or of the wrong size, is refused as corrupt', async () => {
      await saveTermsInTwoRuns();
      await writeSlot(0, '{"torn');
      await writeSlot(1, '{"torn');
      expect((await expectRefusalLeavesFilesAlone()).message).toMatch(/is damaged \(slot 1: it is not valid JSON; slot 2: it is not valid JSON\)/);
      await truncate(recordFile(), SLOT_BYTES + 7);
      expect((await expectRefusalLeavesFilesAlone()).message).toMatch(/is damaged \(it is 263 bytes long, not 512\)/);
    });

    it('a record whose newest slot was torn by a crash mid-write is that save cut short: the store keeps it and the slot is rewritten', async () => {
      await saveTermsInTwoRuns();
      await writeSlot(1, '{"format":1,"seq":3,"te');
      const store = await openOk();
      expect(await store.load()).toEqual({ term: 2, votedFor: 'n1' });
      await store.close();
      expect(await readRecord()).toMatchObject({ seq: 3, term: 2, votedFor: 'n1' });
    });

    it('a torn newest slot beside a store that is not one write ahead is refused: no crash leaves that', async () => {
      await saveTermsInTwoRuns();
      await writeSlot(1, '{"format":1,"seq":3,"te');
      await writeRaw({ seq: '2', term: '1', votedFor: 'null', incarnation: '0' });
      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toMatch(/is damaged \(slot 2: it is not valid JSON\)/);
    });

    it('a record whose slots do not hold two writes in a row is refused', async () => {
      await saveTermsInTwoRuns();
      await writeSlot(0, (await readFile(recordFile(), 'utf8')).slice(SLOT_BYTES, 2 * SLOT_BYTES - 1));
      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toMatch(/its slots hold writes 3 and 3, not two in a row/);
    });

    it('a record written as one JSON object, before the slots, is taken over and rewritten in slots', async () => {
      await saveTermsInTwoRuns();
      const newest = await readRecord();
      await writeFile(recordFile(), `${JSON.stringify(newest)}\n`);
      const store = await openOk();
      expect(await store.load()).toEqual({ term: 2, votedFor: 'n1' });
      await store.save({ term: 3, votedFor: null });
      await store.close();
      expect((await stat(recordFile())).size).toBe(2 * SLOT_BYTES);
      expect(await readSlots()).toEqual([expect.objectContaining({ seq: 4, term: 3 }), expect.objectContaining({ seq: 3, term: 2, votedFor: 'n1' })]);
      expect(await (await openOk()).load()).toEqual({ term: 3, votedFor: null });
    });

    it('a record of a newer format is refused as unreadable', async () => {
      await saveTermsInTwoRuns();
      await writeSlot(1, JSON.stringify({ ...(await readRecord()), format: 2 }));
      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('unreadable');
      expect(failure.message).toMatch(/has format 2, which this version cannot read; it was NOT modified\. Run the heartbeat-cluster version that wrote it/);
    });

    it('a record put back from an older copy (two writes behind) is refused', async () => {
      const store = await openOk();
      await store.save({ term: 1, votedFor: null });
      const older = await readFile(recordFile());
      await store.save({ term: 2, votedFor: null });
      await store.save({ term: 3, votedFor: null });
      await store.close();
      await writeFile(recordFile(), older);

      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('rolled-back');
      expect(failure.message).toMatch(/is at write 4: term 3, .* but its record .* is at write 2: term 1, .*more than one write behind/);
    });

    it('a store and record at the same write but with different contents are refused', async () => {
      await saveTermsInTwoRuns();
      await writeRaw({ term: '7' });
      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toMatch(/is at write 3: term 7, voted for n1, .* is at write 3: term 2, voted for n1, .*same write, different contents/);
    });

    it('a store one write ahead whose write goes back in term is refused', async () => {
      await saveTermsInTwoRuns();
      await writeRaw({ seq: '4', term: '1' });
      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toMatch(/newer write goes back in term, vote or incarnation/);
    });

    it('a node stopped between the two writes of a save keeps the newer state, and the record is brought up to it', async () => {
      const store = await openOk();
      await store.save({ term: 3, votedFor: null });
      // The record cannot be opened (a directory is in its place), so the save fails after LevelDB took it.
      const record = await readFile(recordFile());
      await rm(recordFile());
      await mkdir(recordFile());
      await expect(store.save({ term: 4, votedFor: asNodeId('n2') })).rejects.toThrow(/EISDIR/);
      await expect(store.save({ term: 5, votedFor: null })).rejects.toThrow(/takes no more writes after a failed one.*restart the node/);
      await store.close();
      await rm(recordFile(), { recursive: true });
      await writeFile(recordFile(), record);
      expect(await readRecord()).toMatchObject({ seq: 2, term: 3 });

      const reopened = await openOk();
      expect(await reopened.load()).toEqual({ term: 4, votedFor: 'n2' });
      expect(await readRecord()).toMatchObject({ seq: 3, term: 4, votedFor: 'n2' });
      await reopened.save({ term: 5, votedFor: null });
      await reopened.close();
      expect(await (await openOk()).load()).toEqual({ term: 5, votedFor: null });
    });

    it('a record deleted while the store holds state is refused', async () => {
      await saveTermsInTwoRuns();
      await rm(recordFile());
      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toContain(`the hard-state record ${recordFile()} is missing, but the store ${location()} is at write 3: term 2, voted for n1`);
    });

    it('a store created by a node that stopped before writing its first record opens, and gets its record', async () => {
      await (await openOk()).close();
      await rm(recordFile());
      const store = await openOk();
      expect(await store.load()).toEqual({ term: 0, votedFor: null });
      expect(await readRecord()).toMatchObject({ seq: 1, term: 0 });
    });

    it('a store deleted, or replaced by an empty directory, next to its record is refused and not recreated', async () => {
      await saveTermsInTwoRuns();
      await rm(location(), { recursive: true });
      const deleted = await expectRefusalLeavesFilesAlone();
      expect(deleted.reason).toBe('rolled-back');
      expect(deleted.message).toContain(
        `the hard-state store ${location()} is missing or empty, but its record ${recordFile()} is at write 3: term 2, voted for n1`,
      );
      expect(await readdir(dataDir)).toEqual(['hard-state.json']);

      await mkdir(location());
      expect((await expectRefusalLeavesFilesAlone()).reason).toBe('rolled-back');
    });

    it('a store written by the previous version (format 1, no record) is taken over with its state', async () => {
      await writeRaw({ format: '1', term: '6', votedFor: JSON.stringify('n3'), incarnation: '4' });
      const store = await openOk();
      expect(await store.load()).toEqual({ term: 6, votedFor: 'n3' });
      expect(await store.bumpIncarnation()).toBe(5);
      await store.close();
      expect(await readRaw('format')).toBe('2');
      expect(await readRecord()).toMatchObject({ seq: 2, term: 6, votedFor: 'n3', incarnation: 5 });
      expect(await (await openOk()).load()).toEqual({ term: 6, votedFor: 'n3' });
    });

    it('a store of the previous version put back next to a record is refused', async () => {
      await saveTermsInTwoRuns();
      await rm(location(), { recursive: true });
      await writeRaw({ format: '1', term: '1', votedFor: 'null', incarnation: '0' });
      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('rolled-back');
      expect(failure.message).toMatch(/written by an earlier version .* replaced by an old copy/);
    });

    it('a damaged LevelDB table is refused as corrupt, files untouched', async () => {
      await saveTermsInTwoRuns();
      // One more open folds the log into a table.
      await (await openOk()).close();
      const table = (await readdir(location())).find((name) => name.endsWith('.ldb'));
      if (table === undefined) throw new Error('no LevelDB table');
      const bytes = await readFile(path.join(location(), table));
      bytes.fill(0x55, bytes.length - 8);
      await writeFile(path.join(location(), table), bytes);

      const failure = await expectRefusalLeavesFilesAlone();
      expect(failure.reason).toBe('corrupt');
      expect(failure.message).toMatch(/is corrupt \(LevelDB: Corruption: /);
      expect(failure.message).not.toContain('hbc-state-check');
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

    it('a path with a NUL character is reported as unreadable', async () => {
      const failure = await openFailure(path.join(dataDir, 'n\u00001'));
      expect(failure.reason).toBe('unreadable');
      expect(failure.message).toMatch(/^data dir .*: cannot use .* for the hard-state store \(.*null bytes/);
      expect(await readdir(dataDir)).toEqual([]);
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
