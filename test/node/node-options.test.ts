import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeUsage, parseNodeOptions, type NodeOptions } from '../../src/node/node-options.ts';

const threeNodes = 'n1=127.0.0.1:7400,n2=127.0.0.1:7401,n3=127.0.0.1:7402';
const minimal = ['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', threeNodes];

function parseOk(argv: readonly string[], env: NodeJS.ProcessEnv = {}, isTty = false): NodeOptions {
  const result = parseNodeOptions(argv, env, isTty);
  if (!result.ok) throw new Error(`expected options to parse, got:\n${result.problems.join('\n')}`);
  return result.options;
}

function problemsOf(argv: readonly string[], env: NodeJS.ProcessEnv = {}): readonly string[] {
  const result = parseNodeOptions(argv, env, false);
  if (result.ok) throw new Error('expected options to be rejected');
  return result.problems;
}

describe('parseNodeOptions', () => {
  it('fills in every default', () => {
    const options = parseOk(minimal);
    expect(options.id).toBe('n1');
    expect(options.clusterId).toBe('local');
    expect(options.listen).toBe('127.0.0.1:7400');
    expect(options.adminListen).toBe('127.0.0.1:7500');
    expect([...options.members]).toEqual([
      ['n1', '127.0.0.1:7400'],
      ['n2', '127.0.0.1:7401'],
      ['n3', '127.0.0.1:7402'],
    ]);
    expect([...options.peers]).toEqual([
      ['n2', '127.0.0.1:7401'],
      ['n3', '127.0.0.1:7402'],
    ]);
    expect(options.dataDir).toBe(path.resolve('data', 'n1'));
    expect(options.election).toEqual({
      self: 'n1',
      peers: ['n2', 'n3'],
      heartbeatIntervalMs: 50,
      electionTimeoutMinMs: 500,
      electionJitterMs: 50,
      maxClockDrift: 0.05,
    });
    expect(options.logLevel).toBe('info');
    expect(options.logFormat).toBe('json');
  });

  it('logs pretty by default only when stdout is a terminal', () => {
    expect(parseOk(minimal, {}, true).logFormat).toBe('pretty');
    expect(parseOk(minimal, {}, false).logFormat).toBe('json');
    expect(parseOk([...minimal, '--log-format', 'json'], {}, true).logFormat).toBe('json');
  });

  it('takes every setting from flags', () => {
    const options = parseOk([
      ...minimal,
      '--cluster-id=prod',
      '--admin-listen',
      '127.0.0.1:9000',
      '--data-dir',
      '/var/lib/hb/n1',
      '--heartbeat-ms',
      '20',
      '--election-timeout-ms',
      '300',
      '--election-jitter-ms',
      '50',
      '--max-clock-drift',
      '0.1',
      '--log-level',
      'debug',
      '--log-format',
      'pretty',
    ]);
    expect(options.clusterId).toBe('prod');
    expect(options.adminListen).toBe('127.0.0.1:9000');
    expect(options.dataDir).toBe('/var/lib/hb/n1');
    expect(options.election).toMatchObject({ heartbeatIntervalMs: 20, electionTimeoutMinMs: 300, electionJitterMs: 50, maxClockDrift: 0.1 });
    expect(options.logLevel).toBe('debug');
    expect(options.logFormat).toBe('pretty');
  });

  it('makes a relative data dir absolute', () => {
    expect(parseOk([...minimal, '--data-dir', 'somewhere/n1']).dataDir).toBe(path.resolve('somewhere/n1'));
  });

  it('takes settings from HBC_ variables, and lets a flag win over its variable', () => {
    const env = {
      HBC_ID: 'n2',
      HBC_LISTEN: '127.0.0.1:7401',
      HBC_PEERS: threeNodes,
      HBC_HEARTBEAT_MS: '40',
      HBC_CLUSTER_ID: 'from-env',
      HBC_LOG_LEVEL: 'warn',
    };
    const fromEnv = parseOk([], env);
    expect(fromEnv.id).toBe('n2');
    expect(fromEnv.clusterId).toBe('from-env');
    expect(fromEnv.election.heartbeatIntervalMs).toBe(40);
    expect(fromEnv.logLevel).toBe('warn');

    const flagsWin = parseOk(['--id', 'n3', '--listen', '127.0.0.1:7402', '--heartbeat-ms', '30', '--log-level', 'error'], env);
    expect(flagsWin.id).toBe('n3');
    expect(flagsWin.listen).toBe('127.0.0.1:7402');
    expect(flagsWin.election.heartbeatIntervalMs).toBe(30);
    expect(flagsWin.logLevel).toBe('error');
    expect(flagsWin.clusterId).toBe('from-env');
  });

  it('treats an empty variable as unset', () => {
    expect(parseOk(minimal, { HBC_CLUSTER_ID: '', HBC_HEARTBEAT_MS: '' }).clusterId).toBe('local');
  });

  it('allows a one-node and a two-node cluster', () => {
    expect(parseOk(['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', 'n1=127.0.0.1:7400']).peers.size).toBe(0);
    expect(parseOk(['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', 'n1=127.0.0.1:7400,n2=127.0.0.1:7401']).peers.size).toBe(1);
  });

  it('accepts listening on every interface at the port given in --peers', () => {
    expect(parseOk(['--id', 'n1', '--listen', '0.0.0.0:7400', '--peers', 'n1=10.0.0.1:7400']).listen).toBe('0.0.0.0:7400');
  });

  it('accepts IPv6 addresses in brackets', () => {
    const options = parseOk(['--id', 'n1', '--listen', '[::1]:7400', '--peers', 'n1=[::1]:7400,n2=[::1]:7401']);
    expect(options.peers.get(options.election.peers[0]!)).toBe('[::1]:7401');
  });

  it('reports an unknown flag, a flag without a value and a stray argument', () => {
    expect(problemsOf([...minimal, '--nodes', '3'])).toEqual(['unknown flag --nodes']);
    expect(problemsOf([...minimal, '--heartbeat-ms'])).toEqual([expect.stringMatching(/--heartbeat-ms.*missing/)]);
    expect(problemsOf([...minimal, 'extra'])).toEqual([expect.stringMatching(/extra/)]);
  });

  it('reports every missing required setting with its flag and variable', () => {
    expect(problemsOf([])).toEqual([
      expect.stringMatching(/^missing --id \(or HBC_ID\): .*--id n1/),
      expect.stringMatching(/^missing --listen \(or HBC_LISTEN\): .*--listen 127\.0\.0\.1:7400/),
      expect.stringMatching(/^missing --peers \(or HBC_PEERS\): .*n1=127\.0\.0\.1:7400,n2=/),
    ]);
  });

  it('reports malformed addresses, naming where they came from', () => {
    const problems = problemsOf(['--id', 'n1', '--listen', '127.0.0.1', '--admin-listen', 'localhost:0', '--peers', 'n1=127.0.0.1:70000']);
    expect(problems).toEqual([
      expect.stringMatching(/^--listen: "127\.0\.0\.1" is not host:port/),
      expect.stringMatching(/^--admin-listen: "localhost:0" has an invalid port: .*1 to 65535/),
      expect.stringMatching(/^--peers entry "n1=127\.0\.0\.1:70000": .*invalid port/),
    ]);
    expect(problemsOf([], { HBC_ID: 'n1', HBC_LISTEN: 'no port', HBC_PEERS: 'n1=127.0.0.1:7400' })).toEqual([expect.stringMatching(/^HBC_LISTEN: "no port"/)]);
  });

  it('reports invalid ids', () => {
    const problems = problemsOf(['--id', 'bad id', '--cluster-id=-x', '--listen', '127.0.0.1:7400', '--peers', 'bad/id=127.0.0.1:7400']);
    expect(problems).toEqual([
      expect.stringMatching(/^--id "bad id" is not a valid node id \(1 to 63 letters/),
      expect.stringMatching(/^--cluster-id "-x" is not a valid cluster id/),
      expect.stringMatching(/^--peers entry "bad\/id=127\.0\.0\.1:7400": "bad\/id" is not a valid node id/),
    ]);
  });

  it('reports malformed, duplicate and missing members of --peers', () => {
    expect(problemsOf(['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', 'n1=127.0.0.1:7400,,n2'])).toEqual([
      expect.stringMatching(/empty entry: separate members with single commas/),
      expect.stringMatching(/entry "n2" must be <id>=<host>:<port>/),
    ]);
    expect(problemsOf(['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', 'n1=127.0.0.1:7400,n1=127.0.0.1:7401'])).toEqual([
      '--peers names n1 more than once: give each node once',
    ]);
    expect(problemsOf(['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', 'n1=127.0.0.1:7400,n2=127.0.0.1:7400'])).toEqual([
      '--peers gives n1 and n2 the same address 127.0.0.1:7400: give each node its own address',
    ]);
    expect(problemsOf(['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', 'n2=127.0.0.1:7401,n3=127.0.0.1:7402'])).toEqual([
      '--peers does not list this node (n1): add n1=<its --listen address> to it',
    ]);
    expect(problemsOf(['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', ''])).toEqual([expect.stringMatching(/^--peers is empty/)]);
  });

  it('reports a --peers address for this node that differs from --listen', () => {
    expect(problemsOf(['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', 'n1=127.0.0.1:7409'])).toEqual([
      '--peers gives this node (n1) the address 127.0.0.1:7409 but --listen is 127.0.0.1:7400: ' +
        'make them the same, since the other nodes dial the address in --peers',
    ]);
  });

  it('reports an admin address that collides with the peer address or cannot be derived', () => {
    expect(problemsOf([...minimal, '--admin-listen', '127.0.0.1:7400'])).toEqual([
      '--admin-listen and --listen are both 127.0.0.1:7400: give the admin API its own port',
    ]);
    expect(problemsOf(['--id', 'n1', '--listen', '127.0.0.1:65500', '--peers', 'n1=127.0.0.1:65500'])).toEqual([
      expect.stringMatching(/default admin port .* is above 65535: give --admin-listen/),
      expect.stringMatching(/metrics/),
    ]);
  });

  it('reports numbers that are not numbers, naming where they came from', () => {
    expect(
      problemsOf([...minimal, '--heartbeat-ms', '50ms', '--election-timeout-ms', '', '--max-clock-drift', 'five percent'], {
        HBC_ELECTION_JITTER_MS: 'lots',
      }),
    ).toEqual([
      '--heartbeat-ms must be a whole number of milliseconds from 1 to 20000 (got "50ms")',
      '--election-timeout-ms must be a whole number of milliseconds from 10 to 60000 (got "")',
      'HBC_ELECTION_JITTER_MS must be a whole number of milliseconds from 1 to 60000 (got "lots")',
      '--max-clock-drift must be a number from 0 up to (not including) 0.5, such as 0.05 (got "five percent")',
    ]);
  });

  // Every numeric flag, each class of bad value: out of range either way, not an integer where
  // one is needed, and every spelling Number() would take but nobody means as a setting.
  const numericFlags = [
    { flag: 'heartbeat-ms', expected: 'a whole number of milliseconds from 1 to 20000', tooSmall: ['0', '-1'], tooLarge: ['20001', '1000000000000'] },
    {
      flag: 'election-timeout-ms',
      expected: 'a whole number of milliseconds from 10 to 60000',
      tooSmall: ['9', '0', '-500'],
      tooLarge: ['60001', '2147483648'],
    },
    { flag: 'election-jitter-ms', expected: 'a whole number of milliseconds from 1 to 60000', tooSmall: ['0', '-5'], tooLarge: ['60001', '9007199254740993'] },
    {
      flag: 'max-clock-drift',
      expected: 'a number from 0 up to (not including) 0.5, such as 0.05',
      tooSmall: ['-0.01', '-1'],
      tooLarge: ['0.5', '0.7', '1', '50'],
    },
  ] as const;
  const malformed = [
    '',
    ' ',
    '1e12',
    '1e2',
    '5e-2',
    'Infinity',
    '-Infinity',
    'NaN',
    '0x10',
    '0b11',
    '0o7',
    '+50',
    ' 50',
    '50 ',
    '5_0',
    '50ms',
    '1,5',
    '.5',
    '5.',
    'fifty',
  ];
  for (const { flag, expected, tooSmall, tooLarge } of numericFlags) {
    const integer = flag !== 'max-clock-drift';
    const bad = [...tooSmall, ...tooLarge, ...malformed, ...(integer ? ['1.5', '100.0', '12.25'] : [])];
    it(`--${flag} refuses every value outside its range or not plainly written: ${bad.map((value) => JSON.stringify(value)).join(' ')}`, () => {
      for (const value of bad) {
        // --flag=value, so that a value starting with a dash is taken as the value.
        expect(problemsOf([...minimal, `--${flag}=${value}`]), `--${flag}=${JSON.stringify(value)}`).toEqual([
          `--${flag} must be ${expected} (got ${JSON.stringify(value)})`,
        ]);
        const variable = `HBC_${flag.toUpperCase().replaceAll('-', '_')}`;
        // An empty variable is unset, so it is not refused.
        if (value !== '') {
          expect(problemsOf(minimal, { [variable]: value }), `${variable}=${JSON.stringify(value)}`).toEqual([
            `${variable} must be ${expected} (got ${JSON.stringify(value)})`,
          ]);
        }
      }
    });
  }

  it('accepts each numeric flag at both ends of its range', () => {
    const timing = (...argv: string[]): NodeOptions['election'] => parseOk([...minimal, ...argv]).election;
    expect(timing('--heartbeat-ms', '1', '--election-timeout-ms', '10', '--election-jitter-ms', '1', '--max-clock-drift', '0')).toMatchObject({
      heartbeatIntervalMs: 1,
      electionTimeoutMinMs: 10,
      electionJitterMs: 1,
      maxClockDrift: 0,
    });
    expect(timing('--heartbeat-ms', '20000', '--election-timeout-ms', '60000', '--election-jitter-ms', '60000', '--max-clock-drift', '0.499')).toMatchObject({
      heartbeatIntervalMs: 20000,
      electionTimeoutMinMs: 60000,
      electionJitterMs: 60000,
      maxClockDrift: 0.499,
    });
    expect(timing('--heartbeat-ms', '050', '--max-clock-drift', '0.10')).toMatchObject({ heartbeatIntervalMs: 50, maxClockDrift: 0.1 });
  });

  it('reports the timing relationships checkElectionConfig checks, once every value is in range', () => {
    expect(problemsOf([...minimal, '--election-timeout-ms', '10', '--heartbeat-ms', '3', '--election-jitter-ms', '101'])).toEqual([
      'election jitter (101 ms) is more than ten minimum election timeouts (10 ms): lower it',
    ]);
  });

  it('refuses a data dir with a NUL character', () => {
    expect(problemsOf([...minimal, '--data-dir', 'data/n\u00001'])).toEqual(['--data-dir contains a NUL character, which no path can hold']);
  });

  it('reports bad log settings', () => {
    expect(problemsOf([...minimal, '--log-level', 'verbose', '--log-format', 'xml'])).toEqual([
      '--log-level must be one of trace, debug, info, warn, error (got "verbose")',
      '--log-format must be one of json, pretty (got "xml")',
    ]);
  });

  it('collects problems from every family at once', () => {
    expect(problemsOf(['--id', 'n1', '--listen', 'x', '--peers', 'n1=127.0.0.1:7400', '--heartbeat-ms', 'y', '--log-level', 'z'])).toHaveLength(3);
  });

  it('accepts --help without complaint, so callers can print the usage', () => {
    expect(parseNodeOptions([...minimal, '--help'], {}, false).ok).toBe(true);
  });
});

describe('nodeUsage', () => {
  it('lists every flag with its variable and default', () => {
    for (const flag of [
      'id',
      'cluster-id',
      'listen',
      'admin-listen',
      'peers',
      'data-dir',
      'heartbeat-ms',
      'election-timeout-ms',
      'election-jitter-ms',
      'max-clock-drift',
      'log-level',
      'log-format',
    ]) {
      expect(nodeUsage).toContain(`--${flag} `);
      expect(nodeUsage).toContain(`HBC_${flag.toUpperCase().replaceAll('-', '_')}`);
    }
    for (const fallback of [
      'default local',
      'listen port + 100',
      './data/<id>',
      'default 50',
      'default 500',
      'timeout + jitter), 1-60000; at most 10 timeouts (default 50)',
      'default 0.05',
      'default info',
    ]) {
      expect(nodeUsage).toContain(fallback);
    }
    expect(nodeUsage).toContain('--help');
  });

  it('shows the range of every numeric flag', () => {
    expect(nodeUsage).toContain("interval between the leader's heartbeats, 1-20000 (default 50)");
    expect(nodeUsage).toContain('minimum election timeout, 10-60000;');
    expect(nodeUsage).toContain('timeout + jitter), 1-60000;');
    expect(nodeUsage).toContain('between nodes, 0-<0.5;');
  });
});
