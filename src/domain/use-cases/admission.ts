// Use case guard: every client frame passes its connection's and its user's rate limits before its use case runs.
// (driving adapter) --> admission --> refusal memory, then rate limiter (both buckets at once)

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
    const decisions = await Promise.all(
      checks.map(({ bucket, limit }) => limiter.take(bucket, limit, expiresAt)),
    );
    let retryAfterMs = 0;
    decisions.forEach((decision, i) => {
      if (decision.allowed) return;
      this.deps.refusals?.remember(checks[i]!.bucket, decision.retryAfterMs);
      retryAfterMs = Math.max(retryAfterMs, decision.retryAfterMs, 1);
    });
    if (retryAfterMs > 0) throw refusal(retryAfterMs);
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
