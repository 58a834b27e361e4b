import { spawn, type ChildProcess } from 'node:child_process';
import { registerCleanup } from './cleanup-registry.ts';

/**
 * Child processes that each spin one core at ordinary priority, nothing pinned, so the nodes
 * compete for CPU the way they would next to a busy neighbour.
 */
export class CpuHogs {
  private readonly unregister: () => void;

  private constructor(private readonly children: readonly ChildProcess[]) {
    this.unregister = registerCleanup(() => this.stop());
  }

  static start(count: number): CpuHogs {
    const children = Array.from({ length: count }, () => {
      const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', detached: true });
      child.on('error', () => undefined);
      return child;
    });
    return new CpuHogs(children);
  }

  get pids(): number[] {
    return this.children.flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  async stop(): Promise<void> {
    this.unregister();
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  }
}
