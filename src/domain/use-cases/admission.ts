// Use case guard: every client frame passes its connection's and its user's rate limits before its use case runs.
// (driving adapter) --> admission --> refusal memory, then rate limiter (both buckets at once, each bucket's
// takes one at a time in the container)

import type { ChatPolicy } from '../chat-policy.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { RateLimiterPort } from '../ports/rate-limiter.port.js';
import { ChatError } from '../protocol/errors.js';
import type { RateBucket, RateLimit } from '../rate-limit.js';
import type { RefusalMemory } from '../refusal-memory.js';
import type { Caller } from './caller.js';

export interface AdmissionDeps {
  readonly rateLimiter?: RateLimiterPort;
  /** Refusals already known in this container: such frames are refused without asking the store. */
  readonly refusals?: RefusalMemory;
  readonly clock: ClockPort;
  readonly policy: ChatPolicy;
}

interface Check {
  readonly bucket: RateBucket;
  readonly limit: RateLimit;
}

export class Admission {
  constructor(private readonly deps: AdmissionDeps) {}

  /**
   * Resolves when the frame may proceed; throws `rate_limited` (with `retryAfterMs`) otherwise. The
   * frame takes from both buckets at once (one round trip): when one refuses, the other has still
   * spent a token, which only makes a flooding client wait a little longer.
   */
  async admit(caller: Caller): Promise<void> {
    const limiter = this.deps.rateLimiter;
    if (limiter === undefined) return;
    const checks = this.checksFor(caller);
    if (checks.length === 0) return;

    const known = Math.max(0, ...checks.map(({ bucket }) => this.deps.refusals?.retryAfterMs(bucket) ?? 0));
    if (known > 0) throw refusal(known);

    // Both buckets keep their state as long as the connection lives; the user's is not deleted with a
    // connection (others may be using it), so its expiry is what clears it.
    const expiresAt = caller.connectedAt + this.deps.policy.connectionTtlMs;
    const decisions = await Promise.all(checks.map((check) => this.take(limiter, check, expiresAt)));
    const refused = decisions.filter((decision) => !decision.allowed);
    if (refused.length > 0) throw refusal(Math.max(1, ...refused.map((decision) => decision.retryAfterMs)));
  }

  /**
   * One bucket's take, in line behind the takes on the same bucket already running in this container; a
   * refusal one of them learned answers it from memory, without a write.
   */
  private take(
    limiter: RateLimiterPort,
    { bucket, limit }: Check,
    expiresAt: number,
  ): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const refusals = this.deps.refusals;
    if (refusals === undefined) return limiter.take(bucket, limit, expiresAt);
    return refusals.inTurn(bucket, async () => {
      const known = refusals.retryAfterMs(bucket);
      if (known > 0) return { allowed: false, retryAfterMs: known };
      const decision = await limiter.take(bucket, limit, expiresAt);
      // Remembered before the line moves on, so the next take in it is answered from memory.
      if (!decision.allowed) refusals.remember(bucket, decision.retryAfterMs);
      return decision;
    });
  }

  private checksFor(caller: Caller): Check[] {
    const { rateLimit, userRateLimit } = this.deps.policy;
    const checks: Check[] = [];
    if (rateLimit !== null) {
      checks.push({
        bucket: { scope: 'connection', connectionId: caller.connectionId },
        limit: toLimit(rateLimit),
      });
    }
    if (userRateLimit !== null) {
      checks.push({
        bucket: { scope: 'user', userId: caller.identity.userId },
        limit: toLimit(userRateLimit),
      });
    }
    return checks;
  }
}

function toLimit(setting: { readonly burst: number; readonly perSecond: number }): RateLimit {
  return { burst: setting.burst, intervalMs: 1000 / setting.perSecond };
}

function refusal(retryAfterMs: number): ChatError {
  return new ChatError('rate_limited', 'Too many frames from this connection or user; slow down', {
    retryAfterMs: Math.ceil(retryAfterMs),
  });
}
