import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

/** A certificate, its key and, optionally, the CA certificates that the other side's must chain to. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Null when the other side's certificate is not checked (an admin API without client-cert auth). */
  readonly caFile: string | null;
}

/** How a problem names each file: the flag that gave it, e.g. `--peer-cert-file`. */
export interface TlsFileLabels {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/** What the certificate must be good for, checked against its extended key usage when it has one. */
export type CertificateUse = 'server' | 'client' | 'server-and-client';

/** The files' contents, checked: what a secure context is made of. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | null;
  /** The first certificate of `cert`: this side's own. */
  readonly certificate: X509Certificate;
}

export type LoadTlsResult = { readonly ok: true; readonly material: TlsMaterial } | { readonly ok: false; readonly problems: readonly string[] };

const serverAuthOid = '1.3.6.1.5.5.7.3.1';
const clientAuthOid = '1.3.6.1.5.5.7.3.2';
const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function errorText(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'no such file';
    if (error.code === 'EACCES') return 'permission denied';
    if (error.code === 'EISDIR') return 'it is a directory';
  }
  return error instanceof Error ? error.message : String(error);
}

/** When a certificate is valid, from the dates X509Certificate prints. */
export function validity(certificate: X509Certificate): { readonly from: Date; readonly to: Date } {
  return { from: new Date(certificate.validFrom), to: new Date(certificate.validTo) };
}

/** Why a certificate is not valid at `now` ("expired on …", "is not valid before …"), or null. */
export function validityProblem(certificate: X509Certificate, now: Date): string | null {
  const { from, to } = validity(certificate);
  if (now < from) return `is not valid yet: its validity starts ${from.toISOString()}`;
  if (now > to) return `has expired: it was valid until ${to.toISOString()}`;
  return null;
}

/** Every certificate in a PEM file; an empty list when it holds none. */
function parseCertificates(pem: Buffer, label: string, path: string, problems: string[]): X509Certificate[] {
  const blocks = pem.toString('latin1').match(pemCertificate) ?? [];
  if (blocks.length === 0) {
    problems.push(`${label} ${path} is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)`);
    return [];
  }
  const certificates: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certificates.push(new X509Certificate(block));
    } catch (error) {
      problems.push(`${label} ${path} holds a certificate that cannot be read: ${errorText(error)}`);
    }
  }
  return certificates;
}

function usageProblem(certificate: X509Certificate, use: CertificateUse): string | null {
  // No extended key usage extension: any use is allowed.
  const usages = certificate.keyUsage;
  if (usages === undefined) return null;
  const missing = [
    use !== 'client' && !usages.includes(serverAuthOid) ? 'serverAuth' : null,
    use !== 'server' && !usages.includes(clientAuthOid) ? 'clientAuth' : null,
  ].filter((usage) => usage !== null);
  return missing.length === 0 ? null : `does not allow ${missing.join(' and ')} in its extended key usage`;
}

function readPem(label: string, path: string, problems: string[]): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    problems.push(`cannot read ${label} ${path}: ${errorText(error)}`);
    return null;
  }
}

/** A CA file's contents once every certificate in it is a CA valid at `now`; null (and problems) otherwise. */
export function loadCaFile(path: string, label: string, now: Date, problems: string[]): Buffer | null {
  const before = problems.length;
  const ca = readPem(label, path, problems);
  if (ca === null) return null;
  for (const authority of parseCertificates(ca, label, path, problems)) {
    const invalid = authority.ca ? validityProblem(authority, now) : 'is not a CA certificate (basicConstraints CA:TRUE)';
    if (invalid !== null) problems.push(`${label} ${path}: ${authority.subject} ${invalid}`);
  }
  return problems.length === before ? ca : null;
}

/**
 * Reads and checks a certificate, its key and a CA file: each is readable PEM; the certificate is
 * valid at `now` and allowed for `use`; the key is its key; every CA certificate is a CA and valid.
 * Every problem found is reported, each naming its flag and file.
 */
export function loadTlsFiles(files: TlsFiles, labels: TlsFileLabels, use: CertificateUse, now: Date = new Date()): LoadTlsResult {
  const problems: string[] = [];
  const cert = readPem(labels.cert, files.certFile, problems);
  const key = readPem(labels.key, files.keyFile, problems);
  const ca = files.caFile === null ? null : loadCaFile(files.caFile, labels.ca, now, problems);

  const certificate = cert === null ? undefined : parseCertificates(cert, labels.cert, files.certFile, problems)[0];
  if (certificate !== undefined) {
    const invalid = validityProblem(certificate, now) ?? usageProblem(certificate, use);
    if (invalid !== null) problems.push(`${labels.cert} ${files.certFile}: the certificate (${certificate.subject}) ${invalid}`);
  }
  let privateKey: KeyObject | undefined;
  if (key !== null) {
    try {
      privateKey = createPrivateKey(key);
    } catch (error) {
      const encrypted = key.includes('ENCRYPTED');
      problems.push(
        encrypted
          ? `${labels.key} ${files.keyFile} is encrypted: give an unencrypted PEM key, readable by this user only`
          : `${labels.key} ${files.keyFile} is not a PEM private key (${errorText(error)})`,
      );
    }
  }
  if (certificate !== undefined && privateKey !== undefined && !certificate.checkPrivateKey(privateKey)) {
    problems.push(`${labels.key} ${files.keyFile} is not the key of the certificate in ${labels.cert} ${files.certFile}`);
  }
  if (problems.length > 0 || cert === null || key === null || certificate === undefined) {
    if (problems.length === 0) throw new Error('loadTlsFiles: a file is missing but no problem was reported');
    return { ok: false, problems };
  }
  const material: TlsMaterial = { cert, key, ca, certificate };
  try {
    // Whatever else OpenSSL objects to (an unsupported key type, say) is found now, not on a connection.
    tls.createSecureContext(secureContextOptions(material, 'TLSv1.2'));
  } catch (error) {
    return { ok: false, problems: [`${labels.cert} ${files.certFile} with ${labels.key} ${files.keyFile}: ${errorText(error)}`] };
  }
  return { ok: true, material };
}

export const tlsVersions = ['TLS1.2', 'TLS1.3'] as const;
/** As the flag spells it (like etcd's `--tls-min-version`). */
export type TlsVersion = (typeof tlsVersions)[number];

export function nodeTlsVersion(version: TlsVersion): tls.SecureVersion {
  return version === 'TLS1.3' ? 'TLSv1.3' : 'TLSv1.2';
}

/** What a TLS server (or client) is made from. */
export function secureContextOptions(material: TlsMaterial, minVersion: tls.SecureVersion): tls.SecureContextOptions {
  return { cert: material.cert, key: material.key, ...(material.ca === null ? {} : { ca: material.ca }), minVersion };
}
