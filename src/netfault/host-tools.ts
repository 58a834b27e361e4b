import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './host-command.ts';

/**
 * The Debian packages the kernel-level faults need, by the command (or file) that shows each is
 * there. iptables is only for its NFQUEUE target: this machine class's kernel has no netem and no
 * nftables `queue` expression, but it has xtables' NFQUEUE (see packet-delayer.py).
 */
const netTools: readonly { readonly probe: string; readonly debianPackage: string }[] = [
  { probe: 'ip', debianPackage: 'iproute2' },
  { probe: 'nft', debianPackage: 'nftables' },
  { probe: 'iptables-legacy', debianPackage: 'iptables' },
  { probe: 'python3', debianPackage: 'python3' },
];

/** libfaketime's multi-threaded build: Node runs threads (libuv's pool, V8's platform). */
export const libfaketimePath = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

export type ToolsReady = { readonly ok: true; readonly installed: readonly string[] } | { readonly ok: false; readonly reason: string };

let aptUpdated: Promise<boolean> | null = null;

/** Root, and the tools for namespaces, nftables and the packet delayer, installing what is missing (apt-get). */
export function ensureNetTools(): Promise<ToolsReady> {
  return ensurePackages(netTools.map(({ probe, debianPackage }) => ({ present: () => onPath(probe), debianPackage })));
}

/** libfaketime, installing it (apt-get) when missing. */
export function ensureFaketime(): Promise<ToolsReady> {
  return ensurePackages([{ present: () => exists(libfaketimePath, constants.R_OK), debianPackage: 'libfaketime' }]);
}

/** Why this process cannot change the machine's network, or null if it can (it runs as root). */
export function notRootReason(): string | null {
  const uid = process.getuid?.();
  return uid === 0 ? null : `needs root to make network namespaces and nftables rules (running as uid ${uid ?? 'unknown'})`;
}

async function ensurePackages(wanted: readonly { readonly present: () => Promise<boolean>; readonly debianPackage: string }[]): Promise<ToolsReady> {
  const notRoot = notRootReason();
  if (notRoot !== null) return { ok: false, reason: notRoot };
  const missing: string[] = [];
  for (const tool of wanted) if (!(await tool.present())) missing.push(tool.debianPackage);
  if (missing.length === 0) return { ok: true, installed: [] };
  if (!(await onPath('apt-get'))) return { ok: false, reason: `missing ${missing.join(', ')} and no apt-get to install them with` };
  // One `apt-get update` per process, however many packages are asked for.
  aptUpdated ??= runCommand('apt-get', ['update', '-qq'], undefined, aptEnv()).then((outcome) => outcome.code === 0);
  if (!(await aptUpdated)) return { ok: false, reason: 'apt-get update failed' };
  const install = await runCommand('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], undefined, aptEnv());
  if (install.code !== 0) return { ok: false, reason: `apt-get install ${missing.join(' ')} failed: ${install.stderr.trim().split('\n').slice(-3).join(' ')}` };
  return { ok: true, installed: missing };
}

function aptEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
}

async function onPath(command: string): Promise<boolean> {
  const directories = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  for (const directory of directories) if (directory !== '' && (await exists(path.join(directory, command)))) return true;
  return false;
}

async function exists(file: string, mode: number = constants.X_OK): Promise<boolean> {
  try {
    await access(file, mode);
    return true;
  } catch {
    return false;
  }
}
