// Bench support: benchmark 3's summary of each message's deliveries, apart from the percentiles over
// all of them: how long the first member waited, and how long after that the median member did.

import { percentile } from './stats.js';

export interface MessageDeliveryTimes {
  /** Per message, the earliest of its deliveries (send to receive, ms): the critical path's cost. */
  readonly firstDelivery: { readonly p50: number; readonly p99: number };
  /** Per message, its median delivery less its first: the fan-out's half-length. */
  readonly medianAfterFirst: { readonly p50: number };
}

/** `latencies` holds each message's send-to-receive times, one per delivery. */
export function messageDeliveryTimes(latencies: Iterable<readonly number[]>): MessageDeliveryTimes {
  const firsts: number[] = [];
  const afterFirst: number[] = [];
  for (const deliveries of latencies) {
    if (deliveries.length === 0) continue;
    const first = Math.min(...deliveries);
    firsts.push(first);
    afterFirst.push(percentile(deliveries, 50) - first);
  }
  return {
    firstDelivery: { p50: percentile(firsts, 50), p99: percentile(firsts, 99) },
    medianAfterFirst: { p50: percentile(afterFirst, 50) },
  };
}
