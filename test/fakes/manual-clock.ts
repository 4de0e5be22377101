// Test fake for ClockPort: time moves only when a test moves it. It starts at the real time, so
// records written to DynamoDB Local carry TTLs in the future, as in production.

import type { ClockPort } from '../../src/domain/index.js';

export class ManualClock implements ClockPort {
  constructor(private current = Date.now()) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
