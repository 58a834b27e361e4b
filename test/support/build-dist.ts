import { buildDist } from '../../src/harness/node-command.ts';

/** Vitest global setup of the e2e project: the node processes it starts run the current sources, compiled. */
export default async function setup(): Promise<void> {
  const built = await buildDist();
  if (!built.ok) throw new Error(built.message);
}
