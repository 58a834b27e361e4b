/** Waits until `performance.now()` reaches `at`: for letting a fault last, where polling would not end it sooner. */
export function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
}
