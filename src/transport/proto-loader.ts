import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** The repository's `proto/` directory, resolved from this source file. */
export const PROTO_DIR: string = fileURLToPath(new URL('../../proto/', import.meta.url));

/**
 * Options shared by every .proto this project loads.
 * `longs: String` keeps uint64 values exact (they are validated into numbers by the codecs);
 * `oneofs: true` adds a virtual field naming which member of a oneof is set.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = Object.freeze({
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
});

const definitions = new Map<string, protoLoader.PackageDefinition>();
const grpcObjects = new Map<string, grpc.GrpcObject>();

/** Loads (once per process) the raw package definition of `proto/<fileName>`, e.g. `peer.proto`. */
export function loadProtoDefinition(fileName: string): protoLoader.PackageDefinition {
  let definition = definitions.get(fileName);
  if (definition === undefined) {
    definition = protoLoader.loadSync(fileName, PROTO_LOADER_OPTIONS);
    definitions.set(fileName, definition);
  }
  return definition;
}

/** Loads (once per process) `proto/<fileName>` as a grpc package object (namespaces, services, messages). */
export function loadProto(fileName: string): grpc.GrpcObject {
  let object = grpcObjects.get(fileName);
  if (object === undefined) {
    object = grpc.loadPackageDefinition(loadProtoDefinition(fileName));
    grpcObjects.set(fileName, object);
  }
  return object;
}

/**
 * Looks up a service by its fully qualified name (e.g. `heartbeat.peer.v1.Peer`) in a loaded proto.
 * The result is a client constructor whose `.service` is the definition a grpc Server needs.
 */
export function getServiceConstructor(proto: grpc.GrpcObject, fullName: string): grpc.ServiceClientConstructor {
  let node: unknown = proto;
  for (const part of fullName.split('.')) {
    node = typeof node === 'object' || typeof node === 'function' ? (node as Record<string, unknown> | null)?.[part] : undefined;
  }
  if (typeof node !== 'function' || !('service' in node)) {
    throw new Error(`service ${fullName} not found in the loaded proto`);
  }
  return node as grpc.ServiceClientConstructor;
}
