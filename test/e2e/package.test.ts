import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/harness/node-command.ts';
import { freePorts } from '../../src/util/free-ports.ts';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project: string | null = null;

/**
 * The package as users get it: `npm pack` (which builds dist/ first), then `npm install` of the
 * tarball into an empty project. Dependencies come from the npm cache when it has them.
 */
beforeAll(async () => {
  project = await mkdtemp(path.join(os.tmpdir(), 'hbc-package-'));
  const { stdout } = await run(npm, ['pack', '--pack-destination', project, '--json'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'empty-project', private: true, type: 'module' }));
  await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(project, packed?.filename ?? '')], { cwd: project });
}, 300_000);

afterAll(async () => {
  if (project !== null) await rm(project, { recursive: true, force: true });
});

describe('the packed package, installed into an empty project', () => {
  it('runs a program that embeds a node and does a job under its lease through the client', async () => {
    const dir = project as string;
    const [peerPort, adminPort] = await freePorts(2);
    const program = `
      import { connect } from 'heartbeat-cluster';
      import { startNode } from 'heartbeat-cluster/node';

      const node = await startNode({ id: 'n1', listen: '127.0.0.1:${peerPort}', peers: { n1: '127.0.0.1:${peerPort}' },
        adminListen: '127.0.0.1:${adminPort}', metricsListen: 'off', dataDir: './data/n1' });
      const client = await connect({ endpoints: ['127.0.0.1:${adminPort}'] });
      const done = await client.withLease(async ({ term, holder, signal }) => ({ term, holder, aborted: signal.aborted }));
      const local = await node.withLease(async ({ term }) => term);
      client.close();
      await node.stop();
      console.log(JSON.stringify({ ...done, local }));
    `;
    await writeFile(path.join(dir, 'app.mjs'), program);
    const { stdout } = await run(process.execPath, ['app.mjs'], { cwd: dir, timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { term: number; holder: string; aborted: boolean; local: number };
    expect(result).toMatchObject({ holder: 'n1', aborted: false });
    expect(result.term).toBeGreaterThan(0);
    expect(result.local).toBe(result.term);
  });

  it('type-checks a TypeScript user of both entry points against the shipped declarations', async () => {
    const dir = project as string;
    await writeFile(
      path.join(dir, 'user.ts'),
      `import { connect, LeaseEndedError, type Lease } from 'heartbeat-cluster';
       import { startNode, type EmbeddedNode } from 'heartbeat-cluster/node';
       export async function use(): Promise<number> {
         const node: EmbeddedNode = await startNode({ id: 'n1', listen: '127.0.0.1:7400', peers: 'n1=127.0.0.1:7400' });
         const client = await connect({ endpoints: ['127.0.0.1:7500'] });
         const lease: Lease = await client.acquireLease({ signal: AbortSignal.timeout(1000) });
         const ended: boolean = lease.signal.reason instanceof LeaseEndedError;
         for await (const change of client.observeLeader()) if (change.term > 0 && ended) break;
         await node.stop();
         return lease.term;
       }
      `,
    );
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['user.ts'],
      }),
    );
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await run(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch((error: { stdout: string }) => error);
    expect('stdout' in checked ? checked.stdout : '').toBe('');
  });

  it('installs the bins as compiled JavaScript: hbctl answers and exits 1 with no node to ask', async () => {
    const dir = project as string;
    const hbctl = path.join(dir, 'node_modules', '.bin', 'hbctl');
    const help = await run(hbctl, ['--help'], { cwd: dir });
    expect(help.stdout).toMatch(/Usage: hbctl <command>/);
    const [port] = await freePorts(1);
    const status = await run(hbctl, ['status', '--endpoints', `127.0.0.1:${port}`], { cwd: dir }).catch((error: { code: number; stderr: string }) => error);
    expect(status).toMatchObject({ code: 1, stderr: expect.stringMatching(/unreachable/) });
    const node = await run(path.join(dir, 'node_modules', '.bin', 'heartbeat-node'), ['--help'], { cwd: dir });
    expect(node.stdout).toMatch(/--election-timeout-ms/);
  });
});
