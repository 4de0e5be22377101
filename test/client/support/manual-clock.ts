// Client tests: a clock that only moves when the test says so, implementing the SDK's Clock.

import type { Clock, TimerHandle } from '../../../src/client/index.js';

interface Task {
  readonly at: number;
  readonly order: number;
  readonly run: () => void;
}

/** Lets queued microtasks and the fake sockets' deliveries run to completion. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  private current: number;
  private counter = 0;
  private readonly tasks = new Set<Task>();

  constructor(start = 1_767_225_600_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(run: () => void, ms: number): TimerHandle {
    const task: Task = { at: this.current + Math.max(0, ms), order: (this.counter += 1), run };
    this.tasks.add(task);
    return task;
  }

  clearTimeout(handle: TimerHandle): void {
    this.tasks.delete(handle as Task);
  }

  /** Delays of the timers now pending, soonest first (to check backoff and keepalive scheduling). */
  pendingDelays(): number[] {
    return [...this.tasks].map((task) => task.at - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward, running each timer that falls due in order and letting its effects settle. */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    await settle();
    for (;;) {
      const due = [...this.tasks]
        .filter((task) => task.at <= until)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (due === undefined) break;
      this.tasks.delete(due);
      this.current = due.at;
      due.run();
      await settle();
    }
    this.current = until;
  }
}
