// Bench support test: benchmark 3's per-message summary (first delivery, then the median member).

import { describe, expect, it } from '@jest/globals';
import { messageDeliveryTimes } from '../../bench/lib/delivery-times.js';

describe('messageDeliveryTimes', () => {
  it('takes each message’s first delivery and how long after it the message’s median delivery came', () => {
    const times = messageDeliveryTimes([
      // First 10 ms, median 30 ms: 20 ms later.
      [30, 10, 50, 20, 40],
      // First 4 ms, median 6 ms: 2 ms later.
      [6, 4, 8],
      // First 12 ms, median (lower of the middle two) 14 ms: 2 ms later.
      [12, 16, 14, 90],
    ]);

    expect(times.firstDelivery.p50).toBe(10);
    expect(times.firstDelivery.p99).toBe(12);
    expect(times.medianAfterFirst.p50).toBe(2);
  });

  it('leaves out messages that reached nobody and reports NaN when none did', () => {
    expect(messageDeliveryTimes([[], [7, 9]]).firstDelivery.p50).toBe(7);
    expect(messageDeliveryTimes([[]]).medianAfterFirst.p50).toBeNaN();
  });
});
