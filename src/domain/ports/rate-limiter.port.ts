// Port (driven): where the rate-limit buckets live (DynamoDB in production): one per connection, one per user.

import type { RateBucket, RateLimit } from '../rate-limit.js';

export interface RateLimiterPort {
  /**
   * Takes one frame's worth from the bucket, atomically. `expiresAt` bounds how long the state is kept.
   * A refusal says exactly how long until the bucket would allow a frame (`retryAfterMs`): callers may
   * refuse that bucket's frames until then without asking again.
   */
  take(
    bucket: RateBucket,
    limit: RateLimit,
    expiresAt: number,
  ): Promise<{ allowed: boolean; retryAfterMs: number }>;

  /** Drops the bucket's state (a closed connection's); dropping an unknown bucket is not an error. */
  forget(bucket: RateBucket): Promise<void>;
}
