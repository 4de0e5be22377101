// Driven adapter: IdGeneratorPort with random UUIDs (v4) from the platform's CSPRNG.

import { randomUUID } from 'node:crypto';
import type { IdGeneratorPort } from '../../domain/index.js';

export class RandomIds implements IdGeneratorPort {
  newId(): string {
    return randomUUID();
  }
}
