// Domain rule: the rate limits (per connection and per user), as token buckets computed the GCRA way: one
// number per bucket (the theoretical arrival time of the next frame) instead of a count and a timestamp.

export interface RateLimit {
  /** Frames that may arrive at once after a quiet spell. */
  readonly burst: number;
  /** Sustained rate: one frame per this many milliseconds. */
  readonly intervalMs: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** The state to store when allowed. */
  readonly tat: number;
  /** When refused: how long until a frame would be allowed. */
  readonly retryAfterMs: number;
}

/** Decides one frame. `tat` is the stored state (undefined for a new connection). */
export function decideRate(tat: number | undefined, now: number, limit: RateLimit): RateDecision {
  const start = Math.max(tat ?? now, now);
  const tolerance = (limit.burst - 1) * limit.intervalMs;
  if (start - now > tolerance) {
    return { allowed: false, tat: start, retryAfterMs: retryAfterMs(start, now, limit) };
  }
  return { allowed: true, tat: start + limit.intervalMs, retryAfterMs: 0 };
}

/**
 * Whose bucket a frame takes from: every frame takes from its connection's and from its user's, so one
 * user's many connections share one budget on top of each connection's own.
 */
export type RateBucket =
  | { readonly scope: 'connection'; readonly connectionId: string }
  | { readonly scope: 'user'; readonly userId: string };

/** A name for the bucket that no other bucket shares (user and connection ids may be equal strings). */
export function rateBucketName(bucket: RateBucket): string {
  return bucket.scope === 'connection' ? `connection:${bucket.connectionId}` : `user:${bucket.userId}`;
}

/** How long a refused frame's sender must wait, given the bucket's stored `tat`: exact, not a guess. */
export function retryAfterMs(tat: number, now: number, limit: RateLimit): number {
  return Math.max(0, tat - now - (limit.burst - 1) * limit.intervalMs);
}
