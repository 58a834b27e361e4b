import * as grpc from '@grpc/grpc-js';
import { failureFromStatus, type CallResult } from '../../src/client/call-failure.ts';
import { clientChannel, type ClientTlsMaterial } from '../../src/tls/tls-channel.ts';
import { getServiceConstructor, loadProto } from '../../src/transport/proto-loader.ts';

/**
 * The settings a running node was started with, from its Status: the parts admin-responses.ts's
 * NodeStatus leaves out (timing, addresses, data dir). Restarting a node copies the timing from a
 * running peer, since cluster.json does not record it.
 */
export interface NodeSettings {
  readonly id: string;
  readonly clusterId: string;
  readonly pid: number | null;
  readonly peerAddress: string;
  readonly adminAddress: string;
  readonly dataDir: string;
  readonly timing: NodeTiming;
}

export interface NodeTiming {
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly electionJitterMs: number;
  readonly maxClockDrift: number;
}

type StatusCall = (request: object, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;

export async function readNodeSettings(adminAddress: string, timeoutMs: number, tls: ClientTlsMaterial | null = null): Promise<CallResult<NodeSettings>> {
  const Admin = getServiceConstructor(loadProto('admin.proto'), 'heartbeat.admin.v1.Admin');
  const secure = tls === null ? null : clientChannel(adminAddress, tls);
  const client = new Admin(adminAddress, secure?.credentials ?? grpc.credentials.createInsecure(), secure?.options ?? {});
  try {
    const raw = await new Promise<CallResult<unknown>>((resolve) => {
      const status = (client as unknown as { Status: StatusCall }).Status.bind(client);
      status({}, { deadline: Date.now() + timeoutMs }, (error, response) =>
        resolve(error ? { ok: false, failure: failureFromStatus(error, timeoutMs) } : { ok: true, value: response }),
      );
    });
    if (!raw.ok) return raw;
    const settings = decodeSettings(raw.value);
    return settings === undefined
      ? { ok: false, failure: { kind: 'invalid-response', problem: 'Status: the id, addresses, data dir or timing are missing' } }
      : { ok: true, value: settings };
  } finally {
    client.close();
  }
}

function decodeSettings(raw: unknown): NodeSettings | undefined {
  if (!isRecord(raw) || !isRecord(raw.timing)) return undefined;
  let complete = true;
  const text = (value: unknown): string => {
    if (typeof value === 'string' && value !== '') return value;
    complete = false;
    return '';
  };
  const number = (value: unknown): number => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    complete = false;
    return 0;
  };
  const pid = number(raw.pid);
  const settings: NodeSettings = {
    id: text(raw.id),
    clusterId: text(raw.clusterId),
    pid: pid > 0 ? pid : null,
    peerAddress: text(raw.peerAddress),
    adminAddress: text(raw.adminAddress),
    dataDir: text(raw.dataDir),
    timing: {
      heartbeatMs: number(raw.timing.heartbeatMs),
      electionTimeoutMs: number(raw.timing.electionTimeoutMs),
      electionJitterMs: number(raw.timing.electionJitterMs),
      maxClockDrift: number(raw.timing.maxClockDrift),
    },
  };
  return complete ? settings : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
