import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/harness/node-command.ts';
import { freePorts } from '../../src/util/free-ports.ts';
import { sleepUntil } from '../support/sleep-until.ts';
import { waitFor } from '../support/wait-for.ts';

type LogLine = Record<string, unknown> & { readonly event: string };

interface Started {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
}

const running: ChildProcess[] = [];
let root: string | null = null;
afterEach(async () => {
  for (const child of running.splice(0)) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  if (root !== null) await rm(root, { recursive: true, force: true });
  root = null;
});

/** Runs one of the example's programs as a user would (through tsx), collecting its JSON log lines. */
function start(program: string, args: readonly string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'examples', 'fenced-job', program), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  const lines: LogLine[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
  });
  return { child, lines };
}

describe('the fenced-job example', () => {
  it('rejects the late write of a lease holder paused past its lease, with the reason in both logs', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'hbc-example-'));
    const [resourcePort, ...ports] = await freePorts(7);
    const resource = start('resource.ts', [String(resourcePort)], {});
    const env = {
      APP_PORTS: ports.slice(0, 3).join(','),
      APP_ADMIN_PORTS: ports.slice(3).join(','),
      APP_DATA: root,
      RESOURCE_URL: `http://127.0.0.1:${resourcePort}`,
      WORK_MS: '300',
    };
    const apps = ['a', 'b', 'c'].map((id, index) => ({ id, ...start('app.ts', [], { ...env, APP_ID: id, APP_INDEX: String(index) }) }));

    // Wait for a holder that has begun a step of its job, then freeze it in the middle of that step.
    const accepted = (): LogLine[] => resource.lines.filter((line) => line.event === 'accepted');
    await waitFor(() => accepted()[0], 60_000, 'a first accepted write');
    const stepsSeen = apps.map((app) => app.lines.length);
    const step = await waitFor(
      () => {
        const latest = accepted().at(-1);
        return apps.find(
          (app, i) => app.id === latest?.writer && app.lines.slice(stepsSeen[i]).some((line) => line.event === 'working' && line.term === latest.token),
        );
      },
      10_000,
      'the latest writer to start another step',
    );
    step.child.kill('SIGSTOP');
    const pausedAt = performance.now();
    const holder = step;
    const staleToken = accepted().at(-1)?.token as number;

    // Another instance takes over and writes with a higher token.
    const takeover = await waitFor(() => accepted().find((line) => line.writer !== holder.id), 30_000, 'a write by another instance');
    expect(takeover.token).toBeGreaterThan(staleToken);
    await sleepUntil(pausedAt + 1_000);
    holder.child.kill('SIGCONT');

    // Resumed, the old holder finishes its step and writes with its old token: refused, and it is told why.
    const rejected = await waitFor(
      () => resource.lines.find((line) => line.event === 'rejected' && line.writer === holder.id),
      30_000,
      'the stale write refused',
    );
    expect(rejected).toMatchObject({ token: staleToken });
    expect(rejected.highest).toBeGreaterThanOrEqual(takeover.token as number);
    expect(String(rejected.reason)).toMatch(/fencing token \d+ is below \d+/);
    const told = await waitFor(() => holder.lines.find((line) => line.event === 'write-rejected'), 10_000, 'the old holder to log the refusal');
    expect(told).toMatchObject({ term: staleToken, reason: rejected.reason });
    await waitFor(() => holder.lines.find((line) => line.event === 'lease-ended' && line.term === staleToken), 10_000, 'the old lease to end');

    // The resource never accepted a write with a lower token than one before it.
    const tokens = accepted().map((line) => line.token as number);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
  });
});
