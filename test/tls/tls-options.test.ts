import { describe, expect, it } from 'vitest';
import { parseNodeOptions, nodeUsage } from '../../src/node/node-options.ts';

const minimal = ['--id', 'n1', '--listen', '127.0.0.1:7400', '--peers', 'n1=127.0.0.1:7400,n2=127.0.0.1:7401,n3=127.0.0.1:7402'];
const peer = ['--peer-cert-file', 'n1.crt', '--peer-key-file', 'n1.key', '--peer-trusted-ca-file', 'ca.crt'];
const admin = ['--cert-file', 'n1.crt', '--key-file', 'n1.key'];

function problems(argv: readonly string[], env: NodeJS.ProcessEnv = {}): readonly string[] {
  const result = parseNodeOptions([...minimal, ...argv], env, false);
  if (result.ok) throw new Error('expected the TLS flags to be refused');
  return result.problems;
}

function tlsOf(argv: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = parseNodeOptions([...minimal, ...argv], env, false);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.options.tls;
}

describe('TLS flags', () => {
  it('leave everything plaintext when none is given', () => {
    expect(tlsOf([])).toEqual({ peer: null, server: null, clientCertAuth: false, minVersion: 'TLS1.2' });
  });

  it('take the peer files, the admin files with client-cert auth, and the minimum version, from flags or HBC_* variables', () => {
    expect(tlsOf([...peer, ...admin, '--client-cert-auth', '--trusted-ca-file', 'clients.crt', '--tls-min-version', 'TLS1.3'])).toEqual({
      peer: { certFile: 'n1.crt', keyFile: 'n1.key', caFile: 'ca.crt' },
      server: { certFile: 'n1.crt', keyFile: 'n1.key', caFile: 'clients.crt' },
      clientCertAuth: true,
      minVersion: 'TLS1.3',
    });
    const env = {
      HBC_PEER_CERT_FILE: 'a.crt',
      HBC_PEER_KEY_FILE: 'a.key',
      HBC_PEER_TRUSTED_CA_FILE: 'ca.crt',
      HBC_CERT_FILE: 's.crt',
      HBC_KEY_FILE: 's.key',
      HBC_CLIENT_CERT_AUTH: 'true',
      HBC_TRUSTED_CA_FILE: 'ca.crt',
    };
    expect(tlsOf([], env)).toMatchObject({ peer: { certFile: 'a.crt' }, server: { certFile: 's.crt', caFile: 'ca.crt' }, clientCertAuth: true });
    // The flag wins over the variable.
    expect(tlsOf(['--peer-cert-file', 'b.crt'], env).peer?.certFile).toBe('b.crt');
  });

  it('refuse a half-configured peer TLS, naming what is set and what is missing', () => {
    expect(problems(['--peer-cert-file', 'n1.crt'])).toEqual([
      'peer TLS is half-configured: --peer-cert-file is set but --peer-key-file and --peer-trusted-ca-file are missing: give all three for mutual TLS between peers, or none for plaintext',
    ]);
    expect(problems([], { HBC_PEER_CERT_FILE: 'n1.crt', HBC_PEER_KEY_FILE: 'n1.key' })).toEqual([
      'peer TLS is half-configured: HBC_PEER_CERT_FILE and HBC_PEER_KEY_FILE are set but --peer-trusted-ca-file is missing: give all three for mutual TLS between peers, or none for plaintext',
    ]);
    expect(problems(['--peer-trusted-ca-file', 'ca.crt'])[0]).toMatch(/--peer-cert-file and --peer-key-file are missing/);
  });

  it('refuse a half-configured admin TLS: a certificate without its key, a CA without client-cert auth, client-cert auth without a CA or a certificate', () => {
    expect(problems(['--cert-file', 'n1.crt'])).toEqual([
      'admin TLS is half-configured: --cert-file is set but --key-file is missing: give both (or neither, for a plaintext admin API on loopback)',
    ]);
    expect(problems(['--key-file', 'n1.key'])[0]).toMatch(/--key-file is set but --cert-file is missing/);
    expect(problems([...admin, '--trusted-ca-file', 'ca.crt'])).toEqual([
      '--trusted-ca-file is only used to check client certificates: add --client-cert-auth, or drop --trusted-ca-file',
    ]);
    expect(problems([...admin, '--client-cert-auth'])).toEqual([
      '--client-cert-auth needs --trusted-ca-file: the CA whose client certificates the admin API accepts',
    ]);
    expect(problems(['--client-cert-auth', '--trusted-ca-file', 'ca.crt'])).toEqual([
      'client certificates need TLS on the admin API: give --cert-file and --key-file (the server certificate)',
    ]);
    expect(problems([...admin, '--trusted-ca-file', 'ca.crt'], { HBC_CLIENT_CERT_AUTH: 'yes' })[0]).toBe(
      'HBC_CLIENT_CERT_AUTH must be true or false (got "yes")',
    );
  });

  it('refuse a minimum version that is unknown or has nothing to apply to', () => {
    expect(problems([...peer, '--tls-min-version', 'TLS1.1'])).toEqual(['--tls-min-version must be one of TLS1.2, TLS1.3 (got "TLS1.1")']);
    expect(problems(['--tls-min-version', 'TLS1.3'])[0]).toMatch(/--tls-min-version has nothing to apply to: TLS is off/);
  });

  it('are listed in --help with their variables', () => {
    for (const flag of [
      '--peer-cert-file <file>',
      'HBC_PEER_TRUSTED_CA_FILE',
      '--client-cert-auth ',
      'HBC_CLIENT_CERT_AUTH',
      '--tls-min-version <TLS1.2|TLS1.3>',
    ]) {
      expect(nodeUsage).toContain(flag);
    }
  });
});
