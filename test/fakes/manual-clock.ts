// Test fake for ClockPort: time moves only when a test moves it.

import type { ClockPort } from '../../src/domain/index.js';

export class ManualClock implements ClockPort {
  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
