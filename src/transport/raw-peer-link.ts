import * as grpc from '@grpc/grpc-js';
import type { SecureChannel } from '../tls/tls-channel.ts';
import { LINK_CLUSTER_KEY, LINK_FROM_KEY, PEER_LINK_PATH } from './grpc-transport.ts';

/** How a raw Link stream ended, and what the node sent on it before. */
export interface RawLinkOutcome {
  readonly code: grpc.status;
  readonly details: string;
  readonly received: readonly Buffer[];
}

const passBytes = (bytes: Buffer): Buffer => bytes;

/**
 * A client of the peer service that sends whatever bytes it is given, unchecked: what a buggy or
 * hostile caller would send. For the transport tests and the flood benchmark, never for nodes.
 */
export class RawPeerClient {
  private readonly client: grpc.Client;

  /**
   * `separateConnection`: a connection of its own, not shared with other clients of the address.
   * `secure`: dial over TLS with these credentials (any certificate: a test's impostor's too).
   */
  constructor(address: string, options: { readonly separateConnection?: boolean; readonly secure?: SecureChannel } = {}) {
    this.client = new grpc.Client(address, options.secure?.credentials ?? grpc.credentials.createInsecure(), {
      'grpc.enable_retries': 0,
      ...(options.separateConnection === true ? { 'grpc.use_local_subchannel_pool': 1 } : {}),
      ...options.secure?.options,
    });
  }

  /**
   * Opens a Link stream with the given stream metadata (null leaves a key out), writes `messages`
   * and, unless `keepOpen`, half-closes; resolves with the status the stream ended with.
   */
  link(
    claim: { readonly from: string | null; readonly clusterId: string | null },
    messages: readonly Buffer[],
    options: { readonly keepOpen?: boolean; readonly deadlineMs?: number } = {},
  ): Promise<RawLinkOutcome> {
    const metadata = new grpc.Metadata();
    if (claim.from !== null) metadata.set(LINK_FROM_KEY, claim.from);
    if (claim.clusterId !== null) metadata.set(LINK_CLUSTER_KEY, claim.clusterId);
    const deadline = Date.now() + (options.deadlineMs ?? 5000);
    const call = this.client.makeBidiStreamRequest<Buffer, Buffer>(PEER_LINK_PATH, passBytes, passBytes, metadata, { deadline });
    const received: Buffer[] = [];
    return new Promise((resolve) => {
      call.on('data', (bytes: Buffer) => received.push(bytes));
      call.on('error', () => undefined);
      call.on('status', (status: grpc.StatusObject) => resolve({ code: status.code, details: status.details, received }));
      for (const message of messages) call.write(message);
      if (options.keepOpen !== true) call.end();
    });
  }

  close(): void {
    this.client.close();
  }
}
