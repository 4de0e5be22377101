// Client SDK: time and randomness as injected dependencies, so backoff, keepalive and timeouts can be
// driven by a test clock instead of waiting.

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(task: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (task, ms) => globalThis.setTimeout(task, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

/** Returns a number in [0, 1), like Math.random. */
export type Random = () => number;

/** One pending timer at a time, the pattern every scheduled task of the SDK follows. */
export class Timer {
  private handle: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  get pending(): boolean {
    return this.handle !== undefined;
  }

  start(ms: number, task: () => void): void {
    this.stop();
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      task();
    }, ms);
  }

  stop(): void {
    if (this.handle === undefined) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
