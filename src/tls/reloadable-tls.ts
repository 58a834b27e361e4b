import type * as grpc from '@grpc/grpc-js';
import { loadTlsFiles, type CertificateUse, type LoadTlsResult, type TlsFileLabels, type TlsFiles, type TlsMaterial } from './tls-material.ts';

type CertificateProvider = grpc.experimental.CertificateProvider;
type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;

export type ReloadOutcome =
  { readonly ok: true; readonly changed: boolean; readonly material: TlsMaterial } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * One set of TLS files (certificate, key, CA) as last read and checked. `reload()` reads them
 * again: if they are still good, servers and dialers listening here use them for every new
 * connection from then on; if not, the last good set stays in use. Connections already open are
 * not touched.
 *
 * It is also a gRPC certificate provider, which is how a channel takes the current files for
 * each connection it makes (a reconnect after a rotation presents the new certificate).
 */
export class ReloadableTls implements CertificateProvider {
  private material: TlsMaterial;
  private readonly listeners = new Set<(material: TlsMaterial) => void>();
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();

  private constructor(
    readonly files: TlsFiles,
    private readonly labels: TlsFileLabels,
    private readonly use: CertificateUse,
    private readonly check: MaterialCheck,
    material: TlsMaterial,
  ) {
    this.material = material;
  }

  /** `check` adds a rule of the caller's (the certificate names this node, say), applied on every reload too. */
  static open(
    files: TlsFiles,
    labels: TlsFileLabels,
    use: CertificateUse,
    options: { readonly now?: Date; readonly check?: MaterialCheck } = {},
  ): { ok: true; tls: ReloadableTls } | { ok: false; problems: readonly string[] } {
    const check = options.check ?? (() => null);
    const loaded = checkedLoad(files, labels, use, check, options.now ?? new Date());
    return loaded.ok ? { ok: true, tls: new ReloadableTls(files, labels, use, check, loaded.material) } : loaded;
  }

  current(): TlsMaterial {
    return this.material;
  }

  reload(now: Date = new Date()): ReloadOutcome {
    const loaded = checkedLoad(this.files, this.labels, this.use, this.check, now);
    if (!loaded.ok) return loaded;
    const previous = this.material;
    const next = loaded.material;
    const changed = !next.cert.equals(previous.cert) || !next.key.equals(previous.key) || !sameBuffer(next.ca, previous.ca);
    if (!changed) return { ok: true, changed, material: previous };
    this.material = next;
    for (const listener of [...this.listeners]) listener(next);
    for (const listener of [...this.caListeners]) listener(this.caUpdate());
    for (const listener of [...this.identityListeners]) listener(this.identityUpdate());
    return { ok: true, changed, material: next };
  }

  /** Called with the new material after each reload that changed it. */
  onChange(listener: (material: TlsMaterial) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- grpc.experimental.CertificateProvider: what a channel dials with --------------------

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    process.nextTick(listener, this.caUpdate());
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(listener, this.identityUpdate());
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  private caUpdate(): grpc.experimental.CaCertificateUpdate | null {
    return this.material.ca === null ? null : { caCertificate: this.material.ca };
  }

  private identityUpdate(): grpc.experimental.IdentityCertificateUpdate {
    return { certificate: this.material.cert, privateKey: this.material.key };
  }
}

/** A problem with otherwise good files, or null. */
export type MaterialCheck = (material: TlsMaterial) => string | null;

function checkedLoad(files: TlsFiles, labels: TlsFileLabels, use: CertificateUse, check: MaterialCheck, now: Date): LoadTlsResult {
  const loaded = loadTlsFiles(files, labels, use, now);
  if (!loaded.ok) return loaded;
  const problem = check(loaded.material);
  return problem === null ? loaded : { ok: false, problems: [problem] };
}

function sameBuffer(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}
