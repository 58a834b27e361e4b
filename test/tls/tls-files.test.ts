import { copyFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { accessRefusal, requiredRole } from '../../src/admin/admin-access.ts';
import { adminRoleOf, certifiedNodes, uriNames } from '../../src/tls/certificate-identity.ts';
import { chooseClientTls, loadClientTls } from '../../src/tls/client-tls.ts';
import { certificatePaths } from '../../src/tls/mint-certificates.ts';
import { openNodeTls, reloadNodeTls } from '../../src/tls/node-tls.ts';
import { loadTlsFiles } from '../../src/tls/tls-material.ts';
import { TestPki } from '../support/test-pki.ts';

const cluster = asClusterId('files-test');
const labels = { cert: '--peer-cert-file', key: '--peer-key-file', ca: '--peer-trusted-ca-file' };
const n1 = asNodeId('n1');

let pki: TestPki;
beforeAll(async () => {
  pki = await TestPki.create(cluster, ['n1', 'n2']);
});
afterAll(async () => {
  await pki.remove();
});

const problemsOf = (result: { ok: true } | { ok: false; problems: readonly string[] }): readonly string[] => (result.ok ? [] : result.problems);

describe('TLS files', () => {
  it('are minted with the identities, hosts and key permissions a cluster needs', async () => {
    const loaded = loadTlsFiles(pki.nodeFiles('n1'), labels, 'server-and-client');
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const names = loaded.material.certificate.subjectAltName;
    expect(uriNames(names)).toEqual(['hbc://files-test/node/n1']);
    expect(names).toContain('IP Address:127.0.0.1');
    expect(names).toContain('DNS:localhost');
    expect(certifiedNodes(names, cluster)).toEqual(['n1']);
    for (const name of ['n1', 'operator', 'reader', 'ca']) expect((await stat(certificatePaths(pki.dir, name).key)).mode & 0o777).toBe(0o600);
    const operator = loadClientTls({ cacert: pki.caFile, cert: certificatePaths(pki.dir, 'operator').cert, key: certificatePaths(pki.dir, 'operator').key });
    expect(operator.ok).toBe(true);
  });

  it('are refused with a message naming the flag, the file and the problem: missing, garbage, expired, not yet valid, not the key, not a CA', async () => {
    const missing = path.join(pki.root, 'nowhere.crt');
    const garbage = path.join(pki.root, 'garbage.pem');
    await writeFile(garbage, 'not a certificate\n');
    const expired = await pki.nodeValidFor('n1-expired', 'n1', -10, -1);
    const future = await pki.nodeValidFor('n1-future', 'n1', 2, 10);

    expect(problemsOf(loadTlsFiles({ ...pki.nodeFiles('n1'), certFile: missing }, labels, 'server-and-client'))).toEqual([
      `cannot read --peer-cert-file ${missing}: no such file`,
    ]);
    expect(problemsOf(loadTlsFiles({ ...pki.nodeFiles('n1'), certFile: garbage }, labels, 'server-and-client'))).toEqual([
      `--peer-cert-file ${garbage} is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)`,
    ]);
    expect(problemsOf(loadTlsFiles({ ...pki.nodeFiles('n1'), keyFile: garbage }, labels, 'server-and-client'))[0]).toMatch(
      /--peer-key-file .*garbage.pem is not a PEM private key/,
    );
    expect(problemsOf(loadTlsFiles(expired, labels, 'server-and-client'))[0]).toMatch(
      /--peer-cert-file .*n1-expired.crt: the certificate \(CN=n1\) has expired: it was valid until 20\d\d-/,
    );
    expect(problemsOf(loadTlsFiles(future, labels, 'server-and-client'))[0]).toMatch(/the certificate \(CN=n1\) is not valid yet: its validity starts 20\d\d-/);
    expect(problemsOf(loadTlsFiles({ ...pki.nodeFiles('n1'), keyFile: pki.nodeFiles('n2').keyFile }, labels, 'server-and-client'))).toEqual([
      `--peer-key-file ${pki.nodeFiles('n2').keyFile} is not the key of the certificate in --peer-cert-file ${pki.nodeFiles('n1').certFile}`,
    ]);
    expect(problemsOf(loadTlsFiles({ ...pki.nodeFiles('n1'), caFile: pki.nodeFiles('n2').certFile }, labels, 'server-and-client'))[0]).toMatch(
      /--peer-trusted-ca-file .*n2.crt: CN=n2 is not a CA certificate/,
    );
    const reader = certificatePaths(pki.dir, 'reader');
    expect(problemsOf(loadTlsFiles({ certFile: reader.cert, keyFile: reader.key, caFile: pki.caFile }, labels, 'server'))[0]).toMatch(
      /does not allow serverAuth in its extended key usage/,
    );
    expect(problemsOf(loadClientTls({ cacert: pki.caFile, cert: reader.cert }))).toEqual(['--cert needs --key: give its private key too']);
  });

  it('make a node refuse to start with a peer certificate that names another member', () => {
    expect(problemsOf(openNodeTls({ peer: pki.nodeFiles('n2'), server: null, clientCertAuth: false, minVersion: 'TLS1.2' }, cluster, n1))[0]).toMatch(
      /--peer-cert-file .*n2.crt is not this node's: it must name hbc:\/\/files-test\/node\/n1 as a URI SAN \(it names URI:hbc:\/\/files-test\/node\/n2/,
    );
  });

  it("reload: a good new certificate is taken, a broken pair or another member's certificate leaves the last good one in use", async () => {
    const files = { certFile: path.join(pki.root, 'live.crt'), keyFile: path.join(pki.root, 'live.key'), caFile: pki.caFile };
    const install = async (name: string): Promise<void> => {
      await copyFile(certificatePaths(pki.dir, name).cert, files.certFile);
      await copyFile(certificatePaths(pki.dir, name).key, files.keyFile);
    };
    await install('n1');
    const opened = openNodeTls({ peer: files, server: null, clientCertAuth: false, minVersion: 'TLS1.2' }, cluster, n1);
    if (!opened.ok) throw new Error(opened.problems.join('\n'));
    const tls = opened.tls;
    const first = tls.peer?.current().certificate.serialNumber;

    expect(reloadNodeTls(tls)).toMatchObject([{ part: 'peer', ok: true, changed: false, serial: first }]);
    await pki.renewNode('n1');
    await install('n1');
    const renewed = reloadNodeTls(tls);
    expect(renewed).toMatchObject([{ part: 'peer', ok: true, changed: true }]);
    const second = tls.peer?.current().certificate.serialNumber;
    expect(second).not.toBe(first);

    await copyFile(certificatePaths(pki.dir, 'n2').key, files.keyFile);
    expect(reloadNodeTls(tls)).toMatchObject([{ part: 'peer', ok: false, problems: [expect.stringMatching(/is not the key of the certificate/)] }]);
    await install('n2');
    expect(reloadNodeTls(tls)).toMatchObject([{ part: 'peer', ok: false, problems: [expect.stringMatching(/is not this node's/)] }]);
    expect(tls.peer?.current().certificate.serialNumber).toBe(second);
  });
});

describe('Admin roles', () => {
  const operator = 'URI:hbc://files-test/role/operator';
  const reader = 'URI:hbc://files-test/role/reader';

  it('come from the role URI for this cluster only; operator includes reader', () => {
    expect(adminRoleOf(operator, cluster)).toBe('operator');
    expect(adminRoleOf(`DNS:x, ${reader}`, cluster)).toBe('reader');
    expect(adminRoleOf('URI:hbc://other/role/operator', cluster)).toBeNull();
    expect(adminRoleOf('URI:hbc://files-test/node/n1', cluster)).toBeNull();
  });

  it('decide each call: reads for readers, every change and WaitForLease for operators, anything unlisted for operators', () => {
    const readOnly = ['Status', 'GetLeader', 'Members', 'Watch', 'WatchLease'].map((rpc) => `/heartbeat.admin.v1.Admin/${rpc}`);
    const changing = ['StepDown', 'TransferLeadership', 'Partition', 'Heal', 'SetDelay', 'WaitForLease', 'SomethingNew'].map(
      (rpc) => `/heartbeat.admin.v1.Admin/${rpc}`,
    );
    for (const path of [
      ...readOnly,
      '/grpc.health.v1.Health/Check',
      '/grpc.health.v1.Health/Watch',
      '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    ]) {
      expect(requiredRole(path)).toBe('reader');
    }
    for (const path of changing) expect(requiredRole(path)).toBe('operator');
  });

  it('refusals name the role needed and what the certificate grants', () => {
    const certificate = (subjectaltname: string) => ({
      trusted: true as const,
      certificate: { subject: { CN: 'x' }, issuer: { CN: 'ca' }, subjectaltname } as never,
    });
    expect(accessRefusal('Status', 'reader', certificate(reader), cluster)).toBeNull();
    expect(accessRefusal('Partition', 'operator', certificate(operator), cluster)).toBeNull();
    expect(accessRefusal('Partition', 'operator', certificate(reader), cluster)).toBe(
      'Partition needs the operator role; the client certificate (CN=x, URI:hbc://files-test/role/reader, issued by CN=ca) grants only the reader role',
    );
    expect(accessRefusal('Status', 'reader', certificate('URI:hbc://files-test/node/n1'), cluster)).toMatch(
      /Status needs the reader role; the client certificate .* grants no role here: it names neither hbc:\/\/files-test\/role\/reader nor hbc:\/\/files-test\/role\/operator/,
    );
    expect(accessRefusal('Status', 'reader', { trusted: false, problem: 'the connection presented no client certificate' }, cluster)).toMatch(
      /^Status needs the reader role, which a client certificate from this node's trusted CA grants; the connection presented no client certificate/,
    );
  });

  it('tools take the CA from a TLS cluster file, and the fault scripts the operator certificate too', () => {
    const dir = '/data/tls';
    expect(chooseClientTls({}, null)).toEqual({ ok: true, files: null });
    expect(chooseClientTls({}, dir)).toEqual({ ok: true, files: { cacert: '/data/tls/ca.crt' } });
    expect(chooseClientTls({ cert: 'r.crt', key: 'r.key' }, dir)).toEqual({ ok: true, files: { cacert: '/data/tls/ca.crt', cert: 'r.crt', key: 'r.key' } });
    expect(chooseClientTls({}, dir, 'operator')).toEqual({
      ok: true,
      files: { cacert: '/data/tls/ca.crt', cert: '/data/tls/operator.crt', key: '/data/tls/operator.key' },
    });
    expect(chooseClientTls({ cert: 'r.crt', key: 'r.key' }, null)).toMatchObject({ ok: false, problem: expect.stringMatching(/need --cacert/) });
  });
});
