import type { HardState } from '../core/hard-state.ts';

/**
 * Durable home of a node's hard state. `save` resolves only once the state is on disk (synced):
 * the driver waits for it before sending anything that depends on it.
 */
export interface HardStateStore {
  /** The last saved hard state, or the initial one for a new store. */
  load(): Promise<HardState>;
  save(state: HardState): Promise<void>;
  /**
   * Increments and durably stores the node's incarnation (generation) and returns the new value.
   * Called once per start so observers can tell a restarted node from a slow one.
   */
  bumpIncarnation(): Promise<number>;
  close(): Promise<void>;
}
