/**
 * `npm run gen:proto`: regenerates src/generated/ (TypeScript types of every message
 * and service in proto/) with @grpc/proto-loader's generator, using the same options the code loads
 * the protos with (src/transport/proto-loader.ts), so that each `X__Output` type is exactly what
 * proto-loader hands over at run time. Run it after every change under proto/; a unit test fails
 * while the checked-in types differ from a fresh run.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const generatedDir = path.join(repoRoot, 'src', 'generated');
const protoFiles = ['admin.proto', 'peer.proto'];

/** Writes the types into `outDir`, emptied first so that a removed message leaves no file behind. */
export function generateProtoTypes(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  // Run from the repository root with a relative include dir: each file's "Original file" comment
  // then names proto/<file> wherever the checkout lives.
  execFileSync(
    path.join(repoRoot, 'node_modules', '.bin', 'proto-loader-gen-types'),
    [
      // PROTO_LOADER_OPTIONS: keepCase false (the generator's default), longs String, enums String, defaults, oneofs.
      '--longs=String',
      '--enums=String',
      '--defaults',
      '--oneofs',
      '--grpcLib=@grpc/grpc-js',
      '--includeComments',
      // Imports keep their .ts extension, as everywhere in src/ (allowImportingTsExtensions; the build rewrites them).
      '--importFileExtension=.ts',
      '--includeDirs=proto',
      `--outDir=${outDir}`,
      ...protoFiles,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  generateProtoTypes(generatedDir);
}
