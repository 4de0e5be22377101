// React bindings: shared holds on rooms, direct conversations and the client itself. The first hold
// starts the thing (a join, say), the last release stops it. A release is carried out a moment later,
// and forgotten if a hold comes first: React's StrictMode unmounts and remounts every effect once, and
// two components on one room must share one join, so neither may cause a leave and a second join.

/** Runs a task soon, after the current synchronous work (by default a microtask). */
export type Defer = (task: () => void) => void;

export const microtask: Defer = (task) => queueMicrotask(task);

export interface HeldLifecycle<K> {
  start(key: K): void;
  stop(key: K): void;
}

export class RefCounts<K> {
  private readonly holds = new Map<K, number>();
  private readonly started = new Set<K>();

  constructor(
    private readonly lifecycle: HeldLifecycle<K>,
    private readonly defer: Defer = microtask,
  ) {}

  /** Holds `key`; returns the release, which does something only the first time it is called. */
  acquire(key: K): () => void {
    this.holds.set(key, (this.holds.get(key) ?? 0) + 1);
    if (!this.started.has(key)) {
      this.started.add(key);
      this.lifecycle.start(key);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(key);
    };
  }

  /** Holds on `key` right now. */
  count(key: K): number {
    return this.holds.get(key) ?? 0;
  }

  isStarted(key: K): boolean {
    return this.started.has(key);
  }

  private release(key: K): void {
    const left = (this.holds.get(key) ?? 1) - 1;
    if (left > 0) {
      this.holds.set(key, left);
      return;
    }
    this.holds.delete(key);
    this.defer(() => {
      if (this.holds.has(key) || !this.started.has(key)) return;
      this.started.delete(key);
      this.lifecycle.stop(key);
    });
  }
}
