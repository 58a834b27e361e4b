import { spawn, type ChildProcess } from 'node:child_process';
import { registerCleanup } from '../src/harness/cleanup-registry.ts';

/**
 * Plain Node child processes the bench runs beside a cluster, nothing pinned, at ordinary
 * priority; killed on stop, Ctrl-C or error.
 */
export class BackgroundProcesses {
  private readonly unregister: () => void;

  private constructor(private readonly children: readonly ChildProcess[]) {
    this.unregister = registerCleanup(() => this.stop());
  }

  /** Each spins one core, so the nodes compete for CPU the way they would next to a busy neighbour. */
  static cpuHogs(count: number): BackgroundProcesses {
    return BackgroundProcesses.start(count, ['-e', 'for (;;) {}']);
  }

  /**
   * A bare Node process, with the nodes' V8 flag, that only wakes every `intervalMs`: what this
   * machine bills for doing next to nothing, to read the nodes' CPU figures against.
   */
  static idleControl(intervalMs: number): BackgroundProcesses {
    return BackgroundProcesses.start(1, ['--max-semi-space-size=1', '-e', `setInterval(() => {}, ${intervalMs})`]);
  }

  private static start(count: number, args: readonly string[]): BackgroundProcesses {
    const children = Array.from({ length: count }, () => {
      const child = spawn(process.execPath, [...args], { stdio: 'ignore', detached: true });
      child.on('error', () => undefined);
      return child;
    });
    return new BackgroundProcesses(children);
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
