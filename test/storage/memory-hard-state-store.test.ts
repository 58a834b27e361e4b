import { describe, expect, it } from 'vitest';
import { asNodeId } from '../../src/core/ids.ts';
import { MemoryHardStateStore } from '../../src/storage/memory-hard-state-store.ts';

describe('MemoryHardStateStore', () => {
  it('starts with term 0 and no vote, and loads what was saved', async () => {
    const store = new MemoryHardStateStore();
    expect(await store.load()).toEqual({ term: 0, votedFor: null });

    await store.save({ term: 4, votedFor: asNodeId('n2') });
    expect(await store.load()).toEqual({ term: 4, votedFor: 'n2' });
    expect(store.writes).toBe(1);
  });

  it('can start from a given hard state and incarnation', async () => {
    const store = new MemoryHardStateStore({ initial: { term: 7, votedFor: asNodeId('n1') }, incarnation: 3 });
    expect(await store.load()).toEqual({ term: 7, votedFor: 'n1' });
    expect(await store.bumpIncarnation()).toBe(4);
    expect(await store.bumpIncarnation()).toBe(5);
  });

  it('failNextSave makes exactly the next save reject and leaves the state unchanged', async () => {
    const store = new MemoryHardStateStore();
    await store.save({ term: 1, votedFor: null });
    const diskFull = new Error('disk full');
    store.failNextSave(diskFull);

    await expect(store.save({ term: 2, votedFor: asNodeId('n3') })).rejects.toBe(diskFull);
    expect(await store.load()).toEqual({ term: 1, votedFor: null });
    expect(store.writes).toBe(1);

    await store.save({ term: 2, votedFor: asNodeId('n3') });
    expect(await store.load()).toEqual({ term: 2, votedFor: 'n3' });
    expect(store.writes).toBe(2);
  });

  it('keeps its own copy of the saved state', async () => {
    const store = new MemoryHardStateStore();
    const state = { term: 1, votedFor: null as null | ReturnType<typeof asNodeId> };
    await store.save(state);
    state.term = 99;
    expect(await store.load()).toEqual({ term: 1, votedFor: null });
  });

  it('rejects use after close', async () => {
    const store = new MemoryHardStateStore();
    await store.close();
    await store.close();
    await expect(store.save({ term: 1, votedFor: null })).rejects.toThrow(/closed/);
    await expect(store.load()).rejects.toThrow(/closed/);
  });
});
