// Local emulator: the one source of time. Every limit, timeout, delay and timestamp of the gateway
// comes from a Scheduler, so a test that passes a manual one controls all of them.

export interface Scheduler {
  now(): number;
  /** Runs `task` after `ms`; returns a function that cancels it. */
  schedule(ms: number, task: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(ms, task) {
    const timer = setTimeout(task, ms);
    // A pending limit must not keep the process alive on its own.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Resolves after `ms` of the scheduler's time. */
export function delay(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.schedule(ms, resolve));
}
