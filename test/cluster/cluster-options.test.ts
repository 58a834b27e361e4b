import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterUsage, parseClusterOptions, type ClusterOptions } from '../../src/cluster/cluster-options.ts';
import { planCluster } from '../../src/cluster/cluster-plan.ts';

function parseOk(argv: readonly string[]): ClusterOptions {
  const result = parseClusterOptions(argv);
  if (!result.ok) throw new Error(`expected options to parse, got:\n${result.problems.join('\n')}`);
  return result.options;
}

function problemsOf(argv: readonly string[]): readonly string[] {
  const result = parseClusterOptions(argv);
  if (result.ok) throw new Error('expected options to be rejected');
  return result.problems;
}

describe('parseClusterOptions', () => {
  it('fills in every default', () => {
    expect(parseOk([])).toEqual({
      nodeCount: 3,
      dataDir: path.resolve('data'),
      basePort: 7400,
      clusterId: 'local',
      heartbeatMs: 50,
      electionTimeoutMs: 500,
      electionJitterMs: 50,
      maxClockDrift: 0.05,
      logLevel: 'info',
      net: false,
    });
  });

  it('takes every setting from flags', () => {
    expect(
      parseOk([
        '--nodes=5',
        '--data-dir',
        'tmp/c',
        '--base-port',
        '9000',
        '--cluster-id',
        'bench',
        '--heartbeat-ms',
        '10',
        '--election-timeout-ms',
        '100',
        '--election-jitter-ms',
        '20',
        '--max-clock-drift',
        '0',
        '--log-level',
        'debug',
      ]),
    ).toEqual({
      nodeCount: 5,
      dataDir: path.resolve('tmp/c'),
      basePort: 9000,
      clusterId: 'bench',
      heartbeatMs: 10,
      electionTimeoutMs: 100,
      electionJitterMs: 20,
      maxClockDrift: 0,
      logLevel: 'debug',
      net: false,
    });
  });

  it('reports an unknown flag', () => {
    expect(problemsOf(['--peers', 'n1=127.0.0.1:1'])).toEqual([expect.stringMatching(/--peers.*--help/)]);
  });

  it('reports every bad value, saying what is expected', () => {
    expect(problemsOf(['--nodes', '10', '--base-port', '0', '--cluster-id=-x', '--heartbeat-ms', 'x', '--log-level', 'all'])).toEqual([
      '--nodes must be a whole number from 1 to 9 (got "10")',
      '--base-port must be a port number from 1 to 65535 (got "0")',
      expect.stringMatching(/^--cluster-id "-x" is not a valid cluster id/),
      '--heartbeat-ms must be a number of milliseconds (got "x")',
      '--log-level must be one of trace, debug, info, warn, error (got "all")',
    ]);
    expect(problemsOf(['--nodes', '2.5'])).toEqual(['--nodes must be a whole number from 1 to 9 (got "2.5")']);
    expect(problemsOf(['--data-dir='])).toEqual([expect.stringMatching(/^--data-dir is empty/)]);
  });

  it('reports a base port too high for every node to get its ports', () => {
    expect(problemsOf(['--nodes', '3', '--base-port', '65434'])).toEqual([
      '--base-port 65434 leaves no room for 3 nodes: the highest admin port would be 65536; use --base-port 65433 or lower',
    ]);
    expect(parseOk(['--nodes', '3', '--base-port', '65433']).basePort).toBe(65433);
  });

  it('reports timing the nodes would refuse, once, with the fix', () => {
    expect(problemsOf(['--heartbeat-ms', '200'])).toEqual([
      expect.stringContaining('lower the heartbeat interval to 166 ms or less, or raise the minimum election timeout to 600 ms or more'),
    ]);
  });

  it('lists every flag in the usage', () => {
    for (const flag of ['nodes', 'data-dir', 'base-port', 'cluster-id', 'heartbeat-ms', 'election-timeout-ms', 'election-jitter-ms', 'max-clock-drift', 'log-level', 'help']) {
      expect(clusterUsage).toContain(`--${flag}`);
    }
  });
});

describe('planCluster', () => {
  it('gives node i consecutive peer and admin ports and its own directory and log', () => {
    const plan = planCluster(parseOk(['--nodes', '3', '--data-dir', '/srv/c', '--base-port', '8000', '--heartbeat-ms', '20']));
    expect(plan.map(({ id, listen, adminListen, peerPort, adminPort, dataDir, logFile }) => ({ id, listen, adminListen, peerPort, adminPort, dataDir, logFile }))).toEqual([
      { id: 'n1', listen: '127.0.0.1:8000', adminListen: '127.0.0.1:8100', peerPort: 8000, adminPort: 8100, dataDir: '/srv/c/n1', logFile: '/srv/c/n1/node.log' },
      { id: 'n2', listen: '127.0.0.1:8001', adminListen: '127.0.0.1:8101', peerPort: 8001, adminPort: 8101, dataDir: '/srv/c/n2', logFile: '/srv/c/n2/node.log' },
      { id: 'n3', listen: '127.0.0.1:8002', adminListen: '127.0.0.1:8102', peerPort: 8002, adminPort: 8102, dataDir: '/srv/c/n3', logFile: '/srv/c/n3/node.log' },
    ]);
    for (const node of plan) {
      expect([...node.members]).toEqual([
        ['n1', '127.0.0.1:8000'],
        ['n2', '127.0.0.1:8001'],
        ['n3', '127.0.0.1:8002'],
      ]);
      expect(node).toMatchObject({ clusterId: 'local', heartbeatMs: 20, electionTimeoutMs: 500, electionJitterMs: 50, maxClockDrift: 0.05, logLevel: 'info' });
    }
  });

  it('with --net puts each node on the address of its namespace, ports unchanged', () => {
    const options = parseOk(['--nodes', '2', '--net']);
    expect(options.net).toBe(true);
    const plan = planCluster(options, (id) => `198.18.0.${10 + Number(id.slice(1))}`);
    expect(plan.map(({ listen, adminListen }) => [listen, adminListen])).toEqual([
      ['198.18.0.11:7400', '198.18.0.11:7500'],
      ['198.18.0.12:7401', '198.18.0.12:7501'],
    ]);
    expect([...(plan[0]?.members ?? [])]).toEqual([
      ['n1', '198.18.0.11:7400'],
      ['n2', '198.18.0.12:7401'],
    ]);
  });
});
