// Test fake for every clock in the project: the domain's ClockPort, the client SDK's Clock and the
// emulator's Scheduler. Time moves only when a test moves it. It starts at the real time unless told
// otherwise, so records written to DynamoDB Local carry TTLs in the future, as in production.

import type { Clock, TimerHandle } from '../../src/client/index.js';
import type { ClockPort } from '../../src/domain/index.js';
import type { Scheduler } from '../../src/local/emulator/scheduler.js';

interface Task {
  readonly at: number;
  /** Breaks ties between tasks due at the same instant: first scheduled, first run. */
  readonly order: number;
  readonly run: () => void;
}

/** Lets queued microtasks and I/O callbacks (fake sockets' deliveries) run to completion. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualClock implements ClockPort, Clock, Scheduler {
  private counter = 0;
  private readonly tasks = new Set<Task>();

  constructor(private current = Date.now()) {}

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

  schedule(ms: number, task: () => void): () => void {
    const handle = this.setTimeout(task, ms);
    return () => this.clearTimeout(handle);
  }

  /** Delays of the timers now pending, soonest first (to check backoff and keepalive scheduling). */
  pendingDelays(): number[] {
    return [...this.tasks].map((task) => task.at - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward, running in time order every task that falls due, each at its own instant. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (let due = this.nextDue(until); due !== undefined; due = this.nextDue(until)) this.runTask(due);
    this.current = until;
  }

  /**
   * Like `advance`, but lets effects settle before the first task and after each one, so work a task
   * starts asynchronously (a reconnect, a handshake) can schedule further tasks inside the same span.
   */
  async advanceAndSettle(ms: number): Promise<void> {
    const until = this.current + ms;
    await settle();
    for (let due = this.nextDue(until); due !== undefined; due = this.nextDue(until)) {
      this.runTask(due);
      await settle();
    }
    this.current = until;
  }

  private nextDue(until: number): Task | undefined {
    return [...this.tasks]
      .filter((task) => task.at <= until)
      .sort((a, b) => a.at - b.at || a.order - b.order)[0];
  }

  private runTask(task: Task): void {
    this.tasks.delete(task);
    this.current = task.at;
    task.run();
  }
}
