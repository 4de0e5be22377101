// Domain rule: the per-connection rate limit, as a token bucket computed the GCRA way: one number per
// connection (the theoretical arrival time of the next frame) instead of a count and a timestamp.

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
    return { allowed: false, tat: start, retryAfterMs: start - now - tolerance };
  }
  return { allowed: true, tat: start + limit.intervalMs, retryAfterMs: 0 };
}
