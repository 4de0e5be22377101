// Unit: the @connections in-flight cap (a counting semaphore with a reply lane), on an injected clock.

import { describe, expect, it } from '@jest/globals';
import { InFlightLimit, NotStartedError } from '../../src/adapters/apigateway/in-flight-limit.js';

/** Work that holds its slot until `release` is called. */
function held(): { work: () => Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { work: () => done, release };
}

describe('InFlightLimit', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'refuses a cap of %p, which no count of calls could honour',
    (max) => {
      expect(() => new InFlightLimit(max)).toThrow(new RangeError('max must be a positive integer'));
    },
  );

  it('takes a cap of one', () => {
    expect(new InFlightLimit(1).max).toBe(1);
  });

  it('turns away a waiter whose start-by time passed while it waited, with a typed, readable error', async () => {
    let now = 100;
    const limit = new InFlightLimit(1, () => now);
    const holder = held();
    const running = limit.run(holder.work);
    let ran = false;
    const late = limit
      .run(
        async () => {
          ran = true;
        },
        { startBy: 150 },
      )
      .catch((error: unknown) => error);

    now = 151;
    holder.release();
    await running;

    const error = await late;
    expect(error).toBeInstanceOf(NotStartedError);
    expect(error).toMatchObject({
      name: 'NotStartedError',
      message: 'no free slot before the call had to start',
    });
    expect(ran).toBe(false);
    expect(limit.inFlight).toBe(0);
  });

  it('still starts a waiter whose start-by time is exactly the moment the slot frees', async () => {
    let now = 100;
    const limit = new InFlightLimit(1, () => now);
    const holder = held();
    const running = limit.run(holder.work);
    const onTime = limit.run(async () => 'ran', { startBy: 150 });

    now = 150;
    holder.release();
    await running;

    await expect(onTime).resolves.toBe('ran');
    expect(limit.inFlight).toBe(0);
  });
});
