// Test fake for IdGeneratorPort: predictable ids (`msg-1`, `msg-2`, ...).

import type { IdGeneratorPort } from '../../src/domain/index.js';

export class SequentialIds implements IdGeneratorPort {
  private next = 0;

  constructor(private readonly prefix = 'msg') {}

  newId(): string {
    this.next += 1;
    return `${this.prefix}-${this.next}`;
  }
}
