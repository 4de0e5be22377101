// Bench support: one time base for every process of a run. Epoch milliseconds with sub-millisecond
// resolution, so a start stamped in one process and a receipt stamped in another can be subtracted.

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
