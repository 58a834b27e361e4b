import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { asNodeId } from '../src/core/ids.ts';
import { LevelHardStateStore } from '../src/storage/level-hard-state-store.ts';
import { summarize } from '../src/util/stats.ts';
import { formatTable } from '../src/util/table.ts';
import type { Benchmark } from './benchmark.ts';
import { summaryCells, summaryHeader } from './report-format.ts';

/**
 * How long one synced save of the hard state takes: a hand-off waits for two in a row (the
 * target's vote for itself, then a voter's), so it is on every leader change's critical path.
 * Beside it, a bare synced LevelDB batch of the same keys: what the store would cost without its
 * checksummed record.
 */
export const storeWrites: Benchmark = {
  name: 'store-writes',
  description: 'latency of one synced hard-state save, and of a bare synced LevelDB batch beside it',
  async run(options, context) {
    const count = options.trials ?? (options.quick ? 100 : 500);
    const root = await mkdtemp(path.join(os.tmpdir(), 'hbc-store-writes-'));
    try {
      context.progress(`store-writes: ${count} saves through the store`);
      const opened = await LevelHardStateStore.open(path.join(root, 'store'));
      if (!opened.ok) throw new Error(opened.message);
      const candidate = asNodeId('n1');
      const store: number[] = [];
      for (let term = 1; term <= count; term++) {
        const started = performance.now();
        await opened.store.save({ term, votedFor: candidate });
        store.push(performance.now() - started);
      }
      await opened.store.close();

      context.progress(`store-writes: ${count} bare LevelDB batches`);
      const db = new Level<string, string>(path.join(root, 'bare'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
      await db.open();
      const bare: number[] = [];
      for (let term = 1; term <= count; term++) {
        const started = performance.now();
        await db.batch(
          ['format', 'seq', 'term', 'votedFor', 'incarnation'].map((key) => ({ type: 'put' as const, key, value: String(term) })),
          { sync: true },
        );
        bare.push(performance.now() - started);
      }
      await db.close();
      const rows = [
        ['hard-state save (LevelDB + record)', ...summaryCells(summarize(store), 2)],
        ['bare synced LevelDB batch', ...summaryCells(summarize(bare), 2)],
      ];
      return {
        lines: [`Synced writes in ${os.tmpdir()}, one after another, ms:`, ...formatTable(['write', ...summaryHeader], rows)],
        data: { count, storeMs: store, bareMs: bare },
      };
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
