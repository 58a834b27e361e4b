import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDist } from '../../src/harness/node-command.ts';
import { nodeProgramPath, repoRoot } from '../../src/harness/node-command.ts';
import { asNodeId } from '../../src/core/ids.ts';
import { exitCodes } from '../../src/node/exit-codes.ts';
import { LevelHardStateStore } from '../../src/storage/level-hard-state-store.ts';

/**
 * The node process itself on data dirs it cannot use: each must end at once with its exit code
 * and a message naming the problem, before it listens anywhere.
 */
let root: string;

beforeAll(async () => {
  expect(await buildDist()).toEqual({ ok: true });
});

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'hb-data-dir-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs a one-node cluster on `dataDir`; a node that has not exited after 20 s is killed (signal SIGKILL). */
function runNode(dataDir: string, uid?: number): Promise<Exit> {
  const args = [nodeProgramPath, '--id', 'n1', '--listen', '127.0.0.1:7990', '--peers', 'n1=127.0.0.1:7990', '--metrics-listen', 'off', '--data-dir', dataDir];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: repoRoot, timeout: 20_000, killSignal: 'SIGKILL', ...(uid === undefined ? {} : { uid, gid: uid }) },
      (error, _stdout, stderr) => {
        const failed = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({ code: typeof failed?.code === 'number' ? failed.code : failed === null ? 0 : null, signal: failed?.signal ?? null, stderr });
      },
    );
  });
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a node given a data dir it cannot use', () => {
  it('under /proc: exits 4 at once saying so, instead of spinning', async () => {
    const dataDir = `/proc/hbc-test-${process.pid}/n1`;
    const exit = await runNode(dataDir);
    expect(exit).toMatchObject({ code: exitCodes.dataDirCorrupt, signal: null });
    expect(exit.stderr).toContain(
      `error: data dir ${dataDir}: cannot use ${dataDir}/state for the hard-state store (cannot create /proc/hbc-test-${process.pid} (/proc cannot hold directories))`,
    );
  });

  it('under /sys, a place that is not writable: exits 4', async () => {
    const exit = await runNode(`/sys/hbc-test-${process.pid}`);
    expect(exit).toMatchObject({ code: exitCodes.dataDirCorrupt, signal: null });
    expect(exit.stderr).toMatch(new RegExp(`cannot create /sys/hbc-test-${process.pid} \\((EPERM|EROFS|EACCES)`));
  });

  it('a regular file, or a path through one: exits 4', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, 'x');
    for (const dataDir of [file, path.join(file, 'n1')]) {
      const exit = await runNode(dataDir);
      expect(exit).toMatchObject({ code: exitCodes.dataDirCorrupt, signal: null });
      expect(exit.stderr).toMatch(new RegExp(`error: data dir ${escape(dataDir)}: cannot use .*make sure --data-dir names a directory this user can write to`));
    }
  });

  it('a dangling symbolic link: exits 4', async () => {
    const link = path.join(root, 'link');
    await symlink(path.join(root, 'nowhere'), link);
    const exit = await runNode(link);
    expect(exit).toMatchObject({ code: exitCodes.dataDirCorrupt, signal: null });
    expect(exit.stderr).toContain(`cannot use ${link}/state for the hard-state store (${link} exists and is not a directory (a dangling symbolic link?))`);
  });

  it.runIf(process.getuid?.() === 0)('a directory this user may not write to (run as nobody): exits 4', async () => {
    await chmod(root, 0o755);
    const dataDir = path.join(root, 'n1');
    await mkdir(dataDir, { mode: 0o755 });
    const exit = await runNode(dataDir, 65534);
    expect(exit).toMatchObject({ code: exitCodes.dataDirCorrupt, signal: null });
    expect(exit.stderr).toContain(`cannot use ${dataDir}/state for the hard-state store (cannot create ${dataDir}/state (EACCES`);
  });

  it('a store that lost its newest writes: exits 4 naming both writes, and starts nothing', async () => {
    const dataDir = path.join(root, 'n1');
    for (const term of [1, 2]) {
      const opened = await LevelHardStateStore.open(dataDir);
      if (!opened.ok) throw new Error(opened.message);
      await opened.store.save({ term, votedFor: asNodeId('n1') });
      await opened.store.close();
    }
    const state = path.join(dataDir, 'state');
    const log = (await readdir(state)).find((name) => name.endsWith('.log'));
    await truncate(path.join(state, log ?? 'missing.log'), 0);

    const exit = await runNode(dataDir);
    expect(exit).toMatchObject({ code: exitCodes.dataDirCorrupt, signal: null });
    expect(exit.stderr).toMatch(/is at write 2: term 1, voted for n1, .* behind its record .* is at write 3: term 2, voted for n1/);
  });

  it('a store another process holds: exits 3', async () => {
    const dataDir = path.join(root, 'n1');
    const opened = await LevelHardStateStore.open(dataDir);
    if (!opened.ok) throw new Error(opened.message);
    try {
      const exit = await runNode(dataDir);
      expect(exit).toMatchObject({ code: exitCodes.dataDirLocked, signal: null });
      expect(exit.stderr).toContain(`data dir ${dataDir} is in use by another process`);
    } finally {
      await opened.store.close();
    }
  });
});
