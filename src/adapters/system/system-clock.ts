// Driven adapter: ClockPort on the machine's clock.

import type { ClockPort } from '../../domain/index.js';

export class SystemClock implements ClockPort {
  now(): number {
    return Date.now();
  }
}
