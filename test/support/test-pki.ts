import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ClusterId } from '../../src/core/ids.ts';
import { nodeIdentityUri } from '../../src/tls/certificate-identity.ts';
import {
  certificatePaths,
  ensureCertificateAuthority,
  mintCertificate,
  mintClusterCertificates,
  nodeCertificateRequest,
} from '../../src/tls/mint-certificates.ts';
import type { ClientTlsMaterial } from '../../src/tls/tls-channel.ts';
import type { TlsFiles } from '../../src/tls/tls-material.ts';

const day = 24 * 60 * 60 * 1000;

/**
 * Real certificates minted with openssl for one test file: a cluster's CA with a certificate
 * per node and the operator and reader client certificates, plus the impostors the tests throw
 * at it: another CA's certificate for a member, an expired one and one not valid yet.
 */
export class TestPki {
  private constructor(
    readonly root: string,
    /** The cluster's CA directory (`npm run certs` layout). */
    readonly dir: string,
    /** Another CA's directory. */
    readonly otherDir: string,
    readonly clusterId: ClusterId,
  ) {}

  static async create(clusterId: ClusterId, nodeIds: readonly string[]): Promise<TestPki> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'hbc-pki-'));
    const pki = new TestPki(root, path.join(root, 'tls'), path.join(root, 'other-ca'), clusterId);
    await mintClusterCertificates({ dir: pki.dir, clusterId, nodes: new Map(nodeIds.map((id) => [id, []])) });
    await ensureCertificateAuthority(pki.otherDir, 'some other CA');
    return pki;
  }

  /** A node's peer files: its certificate and key, and the cluster CA. */
  nodeFiles(id: string, dir: string = this.dir): TlsFiles {
    const { cert, key } = certificatePaths(dir, id);
    return { certFile: cert, keyFile: key, caFile: this.caFile };
  }

  get caFile(): string {
    return certificatePaths(this.dir, 'ca').cert;
  }

  /** `name`'s certificate and key from the cluster's CA, minted again (a rotation). */
  async renewNode(id: string): Promise<void> {
    await mintCertificate(this.dir, nodeCertificateRequest(this.clusterId, id, []));
  }

  /** A certificate naming member `id`, from another CA; its files are in `otherDir`. */
  async foreignNode(id: string): Promise<TlsFiles> {
    await mintCertificate(this.otherDir, nodeCertificateRequest(this.clusterId, id, []));
    return this.nodeFiles(id, this.otherDir);
  }

  /** A certificate for member `id` from the cluster's CA whose validity is [from, to] days from now, named `name`. */
  async nodeValidFor(name: string, id: string, fromDays: number, toDays: number): Promise<TlsFiles> {
    const now = Date.now();
    await mintCertificate(this.dir, {
      ...nodeCertificateRequest(this.clusterId, id, []),
      name,
      notBefore: new Date(now + fromDays * day),
      notAfter: new Date(now + toDays * day),
    });
    return this.nodeFiles(name);
  }

  /** PEM contents for a client: the cluster CA and, unless null, `name`'s certificate (from `dir`). */
  async client(name: string | null, dir: string = this.dir): Promise<ClientTlsMaterial> {
    const ca = await readFile(this.caFile);
    if (name === null) return { ca };
    const { cert, key } = certificatePaths(dir, name);
    return { ca, cert: await readFile(cert), key: await readFile(key) };
  }

  identity(id: string): string {
    return nodeIdentityUri(this.clusterId, id);
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
