/**
 * Everything the bench starts that must not outlive it (node processes, CPU hogs, temp dirs)
 * registers how to dispose of itself here, so that Ctrl-C or an error still cleans up.
 */
type Disposer = () => Promise<void>;

const disposers = new Set<Disposer>();

/** Returns the function that unregisters `dispose` once it has been run the normal way. */
export function registerCleanup(dispose: Disposer): () => void {
  disposers.add(dispose);
  return () => disposers.delete(dispose);
}

export async function cleanUpEverything(): Promise<void> {
  const pending = [...disposers];
  disposers.clear();
  await Promise.allSettled(pending.map((dispose) => dispose()));
}
