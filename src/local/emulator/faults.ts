// Local emulator: faults that tests and benchmarks inject into @connections calls.

export class Faults {
  readonly goneFor = new Set<string>();
  /** Connection id -> how many more posts to answer with 429. */
  readonly throttleFor = new Map<string, number>();
  /** Added to every management call before it is served. */
  latencyMs = 0;

  clear(): void {
    this.goneFor.clear();
    this.throttleFor.clear();
    this.latencyMs = 0;
  }

  /** Whether a post to this connection is refused, using up one throttled answer if so. */
  refusePost(connectionId: string): 'gone' | 'throttled' | undefined {
    if (this.goneFor.has(connectionId)) return 'gone';
    const throttled = this.throttleFor.get(connectionId) ?? 0;
    if (throttled === 0) return undefined;
    this.throttleFor.set(connectionId, throttled - 1);
    return 'throttled';
  }
}
