// Client SDK: how long to wait before the next reconnection attempt. Exponential, capped, with jitter so
// that thousands of clients cut off together (a deployment, a network blip) do not return in lockstep.

import type { Random } from './clock.js';

export interface BackoffOptions {
  /** Delay before the first retry. Default 500 ms. */
  readonly initialDelayMs?: number;
  /** Cap on the delay. Default 30 s. */
  readonly maxDelayMs?: number;
  /** Growth per failed attempt. Default 2. */
  readonly factor?: number;
}

/**
 * "Equal jitter": half the exponential delay is kept and the other half drawn at random, so a retry
 * never comes at once yet clients still spread out.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: Random): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const factor = options.factor ?? 2;
  const exponential = Math.min(max, initial * factor ** Math.max(0, attempt));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}
