import { mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, run, writeClusterJson } from './cli-fixture.ts';
import { startFakeAdminServer, type FakeAdminServer } from '../support/fake-admin-server.ts';

const commandNames = ['status', 'leader', 'lease', 'watch', 'step-down', 'transfer', 'partition', 'heal', 'delay'];

let dir: string;

beforeEach(async () => {
  dir = await makeTempDir();
});

afterEach(async () => {
  await removeDir(dir);
});

describe('hbctl usage', () => {
  it('--help lists every command and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toEqual([]);
    const commandLines = result.stdout.slice(result.stdout.indexOf('Commands:') + 1).join('\n');
    for (const name of commandNames) expect(commandLines).toMatch(new RegExp(`^ {2}${name} `, 'm'));
  });

  it.each(commandNames)('%s --help prints its usage and exits 0', async (name) => {
    const result = await run([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout[0]).toMatch(new RegExp(`^Usage: hbctl ${name}\\b`));
    expect(result.stdout.join('\n')).toContain('--endpoints');
  });

  it('an unknown command prints the usage and exits 2', async () => {
    const result = await run(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toBe('hbctl: unknown command "frobnicate"');
    expect(result.stderr).toContain('Commands:');
    expect(result.stderr).toContain("  status     every node's role, term, leader, lease and link faults");
  });

  it('an unknown flag prints the command usage and exits 2', async () => {
    const result = await run(['leader', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(['hbctl: unknown flag --json', 'Usage: hbctl leader [global flags]', 'Run `hbctl leader --help` for every flag.']);
  });

  it('no command prints the usage and exits 2', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toBe('hbctl: no command given');
  });

  it('bad global flags exit 2', async () => {
    expect((await run(['status', '--endpoints', 'nonsense'])).code).toBe(2);
    expect((await run(['status', '--endpoints', '127.0.0.1:1', '--cluster', 'x.json'])).stderr[0]).toBe(
      'hbctl: pass either --endpoints or --cluster, not both',
    );
    expect((await run(['status', '--timeout-ms', '0'])).stderr[0]).toMatch(/^hbctl: --timeout-ms must be a whole number from 1/);
  });

  it('TLS flags: a client certificate without a CA exits 2, unreadable files exit 1 naming them, from flags or HBCTL_* variables', async () => {
    const endpoints = ['--endpoints', '127.0.0.1:1'];
    expect(await run(['status', ...endpoints, '--cert', 'r.crt', '--key', 'r.key'], { env: {} })).toMatchObject({
      code: 2,
      stderr: ["hbctl: --cert and --key need --cacert: the CA the nodes' admin certificates chain to"],
    });
    const missing = await run(['status', ...endpoints, '--cacert', 'nowhere.crt'], { cwd: dir, env: {} });
    expect(missing).toMatchObject({ code: 1, stderr: [`hbctl: cannot read --cacert ${path.join(dir, 'nowhere.crt')}: no such file`] });
    const fromEnv = await run(['status', ...endpoints], { cwd: dir, env: { HBCTL_CACERT: 'ca.crt', HBCTL_CERT: 'r.crt' } });
    expect(fromEnv).toMatchObject({ code: 1, stderr: ['hbctl: --cert needs --key: give its private key too'] });
  });
});

describe('Ctrl-C', () => {
  it('abandons a one-shot command waiting on a node that never answers, with exit 130', async () => {
    const blackHole = net.createServer(() => {});
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    const interrupt = new AbortController();
    const running = run(['status', '--endpoints', `127.0.0.1:${port}`, '--timeout-ms', '60000'], { signal: interrupt.signal });
    setTimeout(() => interrupt.abort(), 200);
    try {
      expect(await running).toEqual({ code: 130, stdout: [], stderr: [] });
    } finally {
      blackHole.close();
    }
  });
});

describe('finding the cluster', () => {
  it('without --endpoints or --cluster, a missing ./data/cluster.json says how to start one', async () => {
    const result = await run(['status'], { cwd: dir });
    expect(result).toEqual({
      code: 1,
      stdout: [],
      stderr: ['hbctl: no cluster file at ./data/cluster.json; start a cluster with `npm run cluster` or pass --endpoints'],
    });
  });

  describe('with a running node', () => {
    let server: FakeAdminServer;

    beforeEach(async () => {
      server = await startFakeAdminServer({ unary: { Status: { id: 'n1', role: 'leader', term: 2, leaderId: 'n1' } } });
    });

    afterEach(() => server.close());

    it('reads ./data/cluster.json by default', async () => {
      await mkdir(path.join(dir, 'data'));
      await writeClusterJson(path.join(dir, 'data'), [{ id: 'n1', adminAddress: server.address, pid: null }]);
      expect(await run(['leader'], { cwd: dir })).toEqual({ code: 0, stdout: ['n1'], stderr: [] });
    });

    it('--cluster accepts the data directory as well as the file', async () => {
      await writeClusterJson(dir, [{ id: 'n1', adminAddress: server.address, pid: null }]);
      expect((await run(['leader', '--cluster', dir])).stdout).toEqual(['n1']);
      expect((await run(['--cluster', path.join(dir, 'cluster.json'), 'leader'])).stdout).toEqual(['n1']);
    });
  });

  it('--cluster naming a missing file says so', async () => {
    const result = await run(['status', '--cluster', path.join(dir, 'nope.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([`hbctl: ${path.join(dir, 'nope.json')} does not exist: no cluster has been started with this data directory`]);
  });
});

describe("the package's bins", () => {
  it('are the compiled entry points of hbctl, the node and the launcher, each a script for node', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ hbctl: 'dist/cli/main.js', 'heartbeat-node': 'dist/node/main.js', 'heartbeat-cluster': 'dist/cluster/main.js' });
    for (const compiled of Object.values(manifest.bin)) {
      const source = compiled.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts');
      expect((await readFile(path.join(root, source), 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
    }
  });
});
