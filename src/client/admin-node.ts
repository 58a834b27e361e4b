import type { ClientTlsMaterial } from '../tls/tls-channel.ts';
import { AdminClient } from './admin-client.ts';
import type { AdminTarget } from './endpoints.ts';

/** One node hbctl talks to: its client, and its id once known (from the cluster file or its own answers). */
export class AdminNode {
  readonly endpoint: string;
  readonly client: AdminClient;
  /** From the cluster file; null when unknown. */
  readonly filePid: number | null;
  private knownId: string | null;

  constructor(target: AdminTarget, timeoutMs: number, tls: ClientTlsMaterial | null = null) {
    this.endpoint = target.endpoint;
    this.knownId = target.id;
    this.filePid = target.pid;
    this.client = new AdminClient(target.endpoint, timeoutMs, tls);
  }

  get id(): string | null {
    return this.knownId;
  }

  /** What tables call the node: its id, or its endpoint while the id is unknown. */
  get name(): string {
    return this.knownId ?? this.endpoint;
  }

  /** What messages call the node, e.g. `n2 (127.0.0.1:7501)`. */
  get label(): string {
    return this.knownId === null ? this.endpoint : `${this.knownId} (${this.endpoint})`;
  }

  /** The node's own answer wins over the cluster file: it is the process actually at this address. */
  learnId(id: string): void {
    if (id !== '') this.knownId = id;
  }
}
