import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './node-command.ts';

export type BuildResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

let building: Promise<BuildResult> | null = null;

/**
 * `npm run build` from a tool that runs from the TypeScript sources (the benchmarks, the fault
 * scripts' restart, the e2e tests): node processes run the compiled `dist/node/main.js`, and this
 * makes it match the current sources first. The build is incremental, so when nothing changed it
 * only checks; once per process, since the sources do not change under a running tool.
 */
export function buildDist(): Promise<BuildResult> {
  building ??= compile();
  return building;
}

function compile(): Promise<BuildResult> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', path.join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error === null) resolve({ ok: true });
      else resolve({ ok: false, message: `npm run build failed:\n${`${stdout}${stderr}`.trim() || error.message}` });
    });
  });
}
