import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { buildDist } from '../../src/harness/node-command.ts';
import { nodeCommand, nodeRuntimeFlags, repoRoot } from '../../src/harness/node-command.ts';
import { parseNodeOptions } from '../../src/node/node-options.ts';

const members = new Map([
  [asNodeId('n1'), '127.0.0.1:7400'],
  [asNodeId('n2'), '127.0.0.1:7401'],
]);

describe('nodeCommand', () => {
  it('runs the compiled node entry point, from the repository', () => {
    const command = nodeCommand({
      id: asNodeId('n2'),
      clusterId: asClusterId('local'),
      listen: '127.0.0.1:7401',
      adminListen: '127.0.0.1:7501',
      members,
      dataDir: '/tmp/data/n2',
    });
    expect(command.command).toBe(process.execPath);
    expect(command.args.slice(0, 2)).toEqual([...nodeRuntimeFlags, path.join(repoRoot, 'dist', 'node', 'main.js')]);
    expect(command.cwd).toBe(repoRoot);
    expect(existsSync(path.join(repoRoot, 'package.json'))).toBe(true);
    expect(command.args.slice(2)).toEqual([
      '--id',
      'n2',
      '--listen',
      '127.0.0.1:7401',
      '--admin-listen',
      '127.0.0.1:7501',
      '--peers',
      'n1=127.0.0.1:7400,n2=127.0.0.1:7401',
      '--data-dir',
      '/tmp/data/n2',
      '--cluster-id',
      'local',
      '--log-format',
      'json',
    ]);
  });

  it('produces flags the node accepts, including every timing setting given', () => {
    const command = nodeCommand({
      id: asNodeId('n1'),
      clusterId: asClusterId('test'),
      listen: '127.0.0.1:7400',
      adminListen: '127.0.0.1:7500',
      members,
      dataDir: '/tmp/data/n1',
      heartbeatMs: 20,
      electionTimeoutMs: 200,
      electionJitterMs: 40,
      maxClockDrift: 0.1,
      logLevel: 'debug',
    });
    const result = parseNodeOptions(command.args.slice(2), {}, true);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.options).toMatchObject({
      id: 'n1',
      clusterId: 'test',
      dataDir: '/tmp/data/n1',
      logLevel: 'debug',
      logFormat: 'json',
      election: { heartbeatIntervalMs: 20, electionTimeoutMinMs: 200, electionJitterMs: 40, maxClockDrift: 0.1 },
    });
    expect([...result.options.members]).toEqual([...members]);
  });

  it('runs a node of a TLS cluster with its own certificate for peers and admin, the CA for both, and client-cert auth', () => {
    const command = nodeCommand({
      id: asNodeId('n2'),
      clusterId: asClusterId('local'),
      listen: '127.0.0.1:7401',
      adminListen: '127.0.0.1:7501',
      members,
      dataDir: '/d/n2',
      tlsDir: '/d/tls',
    });
    const result = parseNodeOptions(command.args.slice(2), {}, false);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.options.tls).toEqual({
      peer: { certFile: '/d/tls/n2.crt', keyFile: '/d/tls/n2.key', caFile: '/d/tls/ca.crt' },
      server: { certFile: '/d/tls/n2.crt', keyFile: '/d/tls/n2.key', caFile: '/d/tls/ca.crt' },
      clientCertAuth: true,
      minVersion: 'TLS1.2',
    });
  });

  it('runs the compiled node, which answers --help and refuses a bad flag with exit 2', async () => {
    expect(await buildDist()).toEqual({ ok: true });
    const [, program] = nodeCommand({
      id: asNodeId('n1'),
      clusterId: asClusterId('t'),
      listen: '127.0.0.1:7400',
      adminListen: '127.0.0.1:7500',
      members,
      dataDir: '/tmp/x',
    }).args;
    const run = promisify(execFile);
    const help = await run(process.execPath, [program!, '--help']);
    expect(help.stdout).toMatch(/--election-timeout-ms/);
    const refused = await run(process.execPath, [program!, '--id', 'n1', '--heartbeat-ms', 'soon']).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/--heartbeat-ms/) });
  });
});
