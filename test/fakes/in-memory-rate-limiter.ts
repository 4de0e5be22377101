// Test fake for RateLimiterPort: the domain's GCRA rule over a map, one entry per bucket. Records every
// call, so tests can tell a frame refused from memory (no take) from one refused by the bucket.

import {
  decideRate,
  rateBucketName,
  type ClockPort,
  type RateBucket,
  type RateLimit,
  type RateLimiterPort,
} from '../../src/domain/index.js';

export class InMemoryRateLimiter implements RateLimiterPort {
  private readonly state = new Map<string, number>();
  /** Every take, in order, by bucket name (`connection:<id>`, `user:<id>`). */
  readonly takes: string[] = [];
  readonly forgotten: string[] = [];

  constructor(private readonly clock: ClockPort) {}

  async take(bucket: RateBucket, limit: RateLimit): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const name = rateBucketName(bucket);
    this.takes.push(name);
    const decision = decideRate(this.state.get(name), this.clock.now(), limit);
    if (decision.allowed) this.state.set(name, decision.tat);
    return { allowed: decision.allowed, retryAfterMs: decision.retryAfterMs };
  }

  async forget(bucket: RateBucket): Promise<void> {
    const name = rateBucketName(bucket);
    this.forgotten.push(name);
    this.state.delete(name);
  }

  /** Whether the bucket has state (a test's view of "the item exists"). */
  has(bucket: RateBucket): boolean {
    return this.state.has(rateBucketName(bucket));
  }
}
