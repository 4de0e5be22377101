// Unit: how the SQS fan-out queue groups job bodies into SendMessageBatch requests (SQS's 10 entries and
// 256 KiB per request), a pure function.

import { describe, expect, it } from '@jest/globals';
import {
  FanOutQueueError,
  SQS_BATCH_BYTES,
  SQS_BATCH_ENTRIES,
  toBatches,
} from '../../src/adapters/sqs/sqs-fan-out-queue.js';

const body = (bytes: number, fill = 'x'): string => fill.repeat(bytes);
const shape = (batches: string[][]): number[] => batches.map((batch) => batch.length);

describe('toBatches', () => {
  it('makes no batch, not even an empty one, for no jobs', () => {
    expect(toBatches([])).toEqual([]);
  });

  it('keeps small jobs together, in order, in one batch', () => {
    expect(toBatches(['a', 'b', 'c'])).toEqual([['a', 'b', 'c']]);
  });

  it('starts a new batch after every tenth entry', () => {
    const bodies = Array.from({ length: 25 }, (_, i) => `job-${i}`);
    const batches = toBatches(bodies);
    expect(shape(batches)).toEqual([SQS_BATCH_ENTRIES, SQS_BATCH_ENTRIES, 5]);
    expect(batches.flat()).toEqual(bodies);
  });

  it('starts a new batch when the next body would take the batch over 256 KiB', () => {
    const bodies = [body(100_000, 'a'), body(100_000, 'b'), body(100_000, 'c'), body(100_000, 'd')];
    expect(toBatches(bodies)).toEqual([
      [bodies[0], bodies[1]],
      [bodies[2], bodies[3]],
    ]);
  });

  it('fills a batch to exactly 256 KiB', () => {
    const half = SQS_BATCH_BYTES / 2;
    const bodies = [body(half, 'a'), body(half, 'b'), body(1, 'c')];
    expect(toBatches(bodies)).toEqual([[bodies[0], bodies[1]], [bodies[2]]]);
  });

  it('counts bytes in UTF-8, not characters', () => {
    // 'é' is two bytes: two of these bodies are 2 × 100,000 characters but 400,000 bytes.
    const bodies = [body(100_000, 'é'), body(100_000, 'é')];
    expect(shape(toBatches(bodies))).toEqual([1, 1]);
  });

  it('takes a single job of exactly 256 KiB', () => {
    const whole = body(SQS_BATCH_BYTES);
    expect(toBatches([whole])).toEqual([[whole]]);
  });

  it('refuses a job larger than SQS takes, naming its size', () => {
    const tooLarge = body(SQS_BATCH_BYTES + 1);
    expect(() => toBatches(['small', tooLarge])).toThrow(FanOutQueueError);
    expect(() => toBatches([tooLarge])).toThrow(
      expect.objectContaining({
        name: 'FanOutQueueError',
        message: `a job of ${SQS_BATCH_BYTES + 1} bytes exceeds SQS's 256 KiB`,
      }),
    );
  });
});
