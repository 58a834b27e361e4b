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
      tls: false,
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
        '--tls',
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
      tls: true,
      net: false,
    });
  });

  it('reports an unknown flag', () => {
    expect(problemsOf(['--peers', 'n1=127.0.0.1:1'])).toEqual(['unknown flag --peers']);
  });

  it('reports every bad value, saying what is expected', () => {
    expect(problemsOf(['--nodes', '10', '--base-port', '0', '--cluster-id=-x', '--heartbeat-ms', 'x', '--log-level', 'all'])).toEqual([
      '--nodes must be a whole number from 1 to 9 (got "10")',
      '--base-port must be a whole number from 1 to 65535 (got "0")',
      expect.stringMatching(/^--cluster-id "-x" is not a valid cluster id/),
      '--heartbeat-ms must be a whole number of milliseconds from 1 to 20000 (got "x")',
      '--log-level must be one of trace, debug, info, warn, error (got "all")',
    ]);
    expect(problemsOf(['--nodes', '2.5'])).toEqual(['--nodes must be a whole number from 1 to 9 (got "2.5")']);
    expect(problemsOf(['--data-dir='])).toEqual([expect.stringMatching(/^--data-dir is empty/)]);
  });

  // Every numeric flag, each class of bad value (the same ranges as the node's own flags).
  const numericFlags = [
    { flag: 'nodes', expected: 'a whole number from 1 to 9', tooSmall: ['0', '-3'], tooLarge: ['10', '1000000000000'] },
    { flag: 'base-port', expected: 'a whole number from 1 to 65535', tooSmall: ['0', '-1'], tooLarge: ['65536', '99999999'] },
    { flag: 'heartbeat-ms', expected: 'a whole number of milliseconds from 1 to 20000', tooSmall: ['0', '-1'], tooLarge: ['20001'] },
    { flag: 'election-timeout-ms', expected: 'a whole number of milliseconds from 10 to 60000', tooSmall: ['9', '0'], tooLarge: ['60001', '2147483648'] },
    { flag: 'election-jitter-ms', expected: 'a whole number of milliseconds from 1 to 60000', tooSmall: ['0', '-5'], tooLarge: ['60001'] },
    { flag: 'max-clock-drift', expected: 'a number from 0 up to (not including) 0.5', tooSmall: ['-0.01'], tooLarge: ['0.5', '2'] },
  ] as const;
  const malformed = ['', ' ', '1e12', '1e2', 'Infinity', '-Infinity', 'NaN', '0x10', '0b11', '+5', ' 5', '5 ', '5_0', '5ms', '.5', 'five'];
  for (const { flag, expected, tooSmall, tooLarge } of numericFlags) {
    const bad = [...tooSmall, ...tooLarge, ...malformed, ...(flag === 'max-clock-drift' ? [] : ['1.5', '3.0'])];
    it(`--${flag} refuses every value outside its range or not plainly written`, () => {
      for (const value of bad) {
        expect(problemsOf([`--${flag}=${value}`]), `--${flag}=${JSON.stringify(value)}`).toEqual([
          `--${flag} must be ${expected} (got ${JSON.stringify(value)})`,
        ]);
      }
    });
  }

  it('accepts each numeric flag at both ends of its range', () => {
    expect(
      parseOk([
        '--nodes',
        '1',
        '--base-port',
        '1',
        '--heartbeat-ms',
        '1',
        '--election-timeout-ms',
        '10',
        '--election-jitter-ms',
        '1',
        '--max-clock-drift',
        '0',
      ]),
    ).toMatchObject({
      nodeCount: 1,
      basePort: 1,
      heartbeatMs: 1,
      electionTimeoutMs: 10,
      electionJitterMs: 1,
      maxClockDrift: 0,
    });
    expect(
      parseOk([
        '--nodes',
        '9',
        '--base-port',
        '65427',
        '--heartbeat-ms',
        '20000',
        '--election-timeout-ms',
        '60000',
        '--election-jitter-ms',
        '60000',
        '--max-clock-drift',
        '0.499',
      ]),
    ).toMatchObject({
      nodeCount: 9,
      basePort: 65427,
      heartbeatMs: 20000,
      electionTimeoutMs: 60000,
      electionJitterMs: 60000,
      maxClockDrift: 0.499,
    });
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
    for (const flag of [
      'nodes',
      'data-dir',
      'base-port',
      'cluster-id',
      'heartbeat-ms',
      'election-timeout-ms',
      'election-jitter-ms',
      'max-clock-drift',
      'log-level',
      'tls',
      'help',
    ]) {
      expect(clusterUsage).toContain(`--${flag}`);
    }
    for (const range of [
      '<1-9>',
      '1-65535 (default 7400)',
      '1-20000 (default 50)',
      'timeout, 10-60000 (default 500)',
      '1-60000 (default 50)',
      '0-<0.5 (default 0.05)',
    ]) {
      expect(clusterUsage).toContain(range);
    }
  });
});

describe('planCluster', () => {
  it('gives node i consecutive peer and admin ports and its own directory and log', () => {
    const plan = planCluster(parseOk(['--nodes', '3', '--data-dir', '/srv/c', '--base-port', '8000', '--heartbeat-ms', '20']));
    expect(
      plan.map(({ id, listen, adminListen, peerPort, adminPort, dataDir, logFile }) => ({ id, listen, adminListen, peerPort, adminPort, dataDir, logFile })),
    ).toEqual([
      {
        id: 'n1',
        listen: '127.0.0.1:8000',
        adminListen: '127.0.0.1:8100',
        peerPort: 8000,
        adminPort: 8100,
        dataDir: '/srv/c/n1',
        logFile: '/srv/c/n1/node.log',
      },
      {
        id: 'n2',
        listen: '127.0.0.1:8001',
        adminListen: '127.0.0.1:8101',
        peerPort: 8001,
        adminPort: 8101,
        dataDir: '/srv/c/n2',
        logFile: '/srv/c/n2/node.log',
      },
      {
        id: 'n3',
        listen: '127.0.0.1:8002',
        adminListen: '127.0.0.1:8102',
        peerPort: 8002,
        adminPort: 8102,
        dataDir: '/srv/c/n3',
        logFile: '/srv/c/n3/node.log',
      },
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

  it('with --tls, runs every node with the certificates in <data-dir>/tls, and without it none', () => {
    expect(planCluster(parseOk(['--data-dir', '/srv/c', '--tls'])).map((node) => node.tlsDir)).toEqual(['/srv/c/tls', '/srv/c/tls', '/srv/c/tls']);
    expect(planCluster(parseOk(['--data-dir', '/srv/c'])).every((node) => node.tlsDir === undefined)).toBe(true);
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
