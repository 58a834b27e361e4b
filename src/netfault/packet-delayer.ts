import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { DelayQueue } from './namespace-rules.ts';

const delayerScript = fileURLToPath(new URL('./packet-delayer.py', import.meta.url));
const readyTimeoutMs = 10_000;

/**
 * The user-space packet delayer of one namespace (packet-delayer.py, run there by `ip netns
 * exec`): binds the NFQUEUE queues of that namespace's delayed links and releases each packet
 * late. Stays up across changes of faults; `stop()` ends it, letting through what it holds.
 */
export class PacketDelayer {
  private readonly child: ChildProcess;
  private readonly readyLines: ((line: string) => void)[] = [];
  private stderr = '';
  private exited = false;
  private readonly exit: Promise<void>;

  constructor(readonly namespace: string) {
    this.child = spawn('ip', ['netns', 'exec', namespace, 'python3', '-u', delayerScript], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', () => undefined);
    this.exit = new Promise((resolve) => this.child.once('exit', () => resolve()));
    void this.exit.then(() => {
      this.exited = true;
      for (const waiter of this.readyLines.splice(0)) waiter(`exited: ${this.stderr.trim()}`);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-2000)));
    if (this.child.stdout) createInterface({ input: this.child.stdout }).on('line', (line) => this.readyLines.shift()?.(line));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Binds exactly these queues with these delays; resolves once the delayer has applied them. */
  async configure(queues: readonly DelayQueue[]): Promise<void> {
    if (this.exited) throw new Error(`the packet delayer of ${this.namespace} has exited: ${this.stderr.trim()}`);
    const settings = Object.fromEntries(
      queues.map(({ queue, shape }) => [queue, { delayMs: shape.delayMs ?? 0, jitterMs: shape.jitterMs ?? 0, reorderPct: shape.reorderPct ?? 0 }]),
    );
    const answer = new Promise<string>((resolve) => this.readyLines.push(resolve));
    this.child.stdin?.write(`${JSON.stringify(settings)}\n`);
    let timer: NodeJS.Timeout | undefined;
    const line = await Promise.race([answer, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer'), readyTimeoutMs)))]);
    clearTimeout(timer);
    if (!line.startsWith('ready')) throw new Error(`the packet delayer of ${this.namespace} did not take its settings (${line})`);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    this.child.stdin?.end();
    const killTimer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await this.exit;
    clearTimeout(killTimer);
  }
}
