import { initialHardState, type HardState } from '../core/hard-state.ts';
import type { HardStateStore } from './hard-state-store.ts';

export interface MemoryHardStateStoreOptions {
  /** Hard state the store starts with (default: term 0, no vote). */
  readonly initial?: HardState;
  /** Incarnation the store starts with (default 0; the first bump returns 1). */
  readonly incarnation?: number;
}

/**
 * In-memory `HardStateStore` for tests. Nothing survives the process, but it behaves like the
 * durable store otherwise: `save` either takes effect completely or (when told to fail) not at all.
 */
export class MemoryHardStateStore implements HardStateStore {
  /** Number of successful `save` calls. */
  writes = 0;
  private state: HardState;
  private incarnationValue: number;
  private nextSaveError: Error | undefined;
  private closed = false;

  constructor(options: MemoryHardStateStoreOptions = {}) {
    this.state = { ...(options.initial ?? initialHardState) };
    this.incarnationValue = options.incarnation ?? 0;
  }

  /** What a restarted node would load right now. */
  get current(): HardState {
    return this.state;
  }

  get incarnation(): number {
    return this.incarnationValue;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Makes the next `save` reject with `error` and leave the stored state unchanged. */
  failNextSave(error: Error = new Error('simulated hard-state write failure')): void {
    this.nextSaveError = error;
  }

  async load(): Promise<HardState> {
    this.assertOpen();
    return this.state;
  }

  async save(state: HardState): Promise<void> {
    this.assertOpen();
    const error = this.nextSaveError;
    if (error !== undefined) {
      this.nextSaveError = undefined;
      throw error;
    }
    this.state = { term: state.term, votedFor: state.votedFor };
    this.writes += 1;
  }

  async bumpIncarnation(): Promise<number> {
    this.assertOpen();
    this.incarnationValue += 1;
    return this.incarnationValue;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('memory hard-state store is closed');
  }
}
