import path from 'node:path';
import { caName, certificatePaths } from './mint-certificates.ts';
import type { ClientTlsMaterial } from './tls-channel.ts';
import { loadCaFile, loadTlsFiles } from './tls-material.ts';

/** What a client of a node trusts and presents, as hbctl's flags name them (like etcdctl's). */
export interface ClientTlsFiles {
  /** CA certificates the nodes' admin certificates must chain to. */
  readonly cacert: string;
  /** With `key`: the client certificate, for nodes that require one (`--client-cert-auth`); it carries the role. */
  readonly cert?: string;
  readonly key?: string;
}

export type LoadClientTlsResult = { readonly ok: true; readonly material: ClientTlsMaterial } | { readonly ok: false; readonly problems: readonly string[] };

const labels = { cert: '--cert', key: '--key', ca: '--cacert' };

/** Reads and checks the files (see `loadTlsFiles`); a certificate without its key, or a key alone, is a problem. */
export function loadClientTls(files: ClientTlsFiles, now: Date = new Date()): LoadClientTlsResult {
  if ((files.cert === undefined) !== (files.key === undefined)) {
    return {
      ok: false,
      problems: [files.cert === undefined ? '--key needs --cert: give the client certificate too' : '--cert needs --key: give its private key too'],
    };
  }
  if (files.cert !== undefined && files.key !== undefined) {
    const loaded = loadTlsFiles({ certFile: files.cert, keyFile: files.key, caFile: files.cacert }, labels, 'client', now);
    if (!loaded.ok) return loaded;
    const { ca, cert, key } = loaded.material;
    return ca === null ? { ok: false, problems: ['--cacert is missing'] } : { ok: true, material: { ca, cert, key } };
  }
  const problems: string[] = [];
  const ca = loadCaFile(files.cacert, labels.ca, now, problems);
  return ca === null ? { ok: false, problems } : { ok: true, material: { ca } };
}

/** TLS files as given on a command line or in the environment; any may be missing. */
export interface GivenClientTls {
  readonly cacert?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

export type ChooseClientTlsResult = { readonly ok: true; readonly files: ClientTlsFiles | null } | { readonly ok: false; readonly problem: string };

/**
 * Which TLS files a tool uses: the ones given, completed from the certificates directory a
 * cluster file records: its CA, and `defaultCertificate`'s certificate and key when the tool has
 * a default identity (the fault scripts act as the operator). Null files: plaintext.
 */
export function chooseClientTls(given: GivenClientTls, clusterTlsDir: string | null, defaultCertificate: string | null = null): ChooseClientTlsResult {
  const cacert = given.cacert ?? (clusterTlsDir === null ? undefined : certificatePaths(clusterTlsDir, caName).cert);
  let { cert, key } = given;
  if (cert === undefined && key === undefined && clusterTlsDir !== null && defaultCertificate !== null) {
    ({ cert, key } = certificatePaths(clusterTlsDir, defaultCertificate));
  }
  if (cacert === undefined) {
    return cert === undefined && key === undefined
      ? { ok: true, files: null }
      : { ok: false, problem: "--cert and --key need --cacert: the CA the nodes' admin certificates chain to" };
  }
  return { ok: true, files: { cacert, ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) } };
}

/** The files with relative paths resolved against `cwd`, the caller's directory. */
export function resolveClientTlsFiles(files: ClientTlsFiles, cwd: string): ClientTlsFiles {
  const resolve = (file: string): string => path.resolve(cwd, file);
  return {
    cacert: resolve(files.cacert),
    ...(files.cert === undefined ? {} : { cert: resolve(files.cert) }),
    ...(files.key === undefined ? {} : { key: resolve(files.key) }),
  };
}
