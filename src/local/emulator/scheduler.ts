// Local emulator: time for idle and maximum-age limits. The real one uses timers; tests use a manual
// one whose `advance` fires what is due, so a 10-minute idle timeout takes milliseconds to test.

export interface Scheduler {
  now(): number;
  /** Runs `task` after `ms`; returns a function that cancels it. */
  schedule(ms: number, task: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(ms, task) {
    const timer = setTimeout(task, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export class ManualScheduler implements Scheduler {
  private current: number;
  private readonly tasks = new Set<{ at: number; task: () => void }>();

  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, task: () => void): () => void {
    const entry = { at: this.current + ms, task };
    this.tasks.add(entry);
    return () => this.tasks.delete(entry);
  }

  /** Moves time forward and runs, in time order, every task that falls due. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const due = [...this.tasks].filter((entry) => entry.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.tasks.delete(due);
      this.current = due.at;
      due.task();
    }
    this.current = until;
  }
}
