// Driven adapter support: capped exponential backoff with full jitter, bounded in attempts and in time.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No new attempt starts after this long since the first. */
  readonly maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  maxElapsedMs: 5_000,
};

/**
 * Delay before retry number `retry` (0 for the first retry): a random point in
 * [0, min(maxDelay, base * 2^retry)). Full jitter spreads a throttled fan-out's retries apart.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
