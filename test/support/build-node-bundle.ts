import { buildNodeBundle } from '../../src/cluster/node-bundle.ts';

/** Vitest global setup of the e2e project: the node processes it starts run the current sources. */
export default async function setup(): Promise<void> {
  const bundle = await buildNodeBundle();
  if (!bundle.ok) throw new Error(bundle.message);
}
