// Use case guard: every client frame passes the connection's rate limit before its use case runs.
// (driving adapter) --> admission --> rate limiter

import type { ChatPolicy } from '../chat-policy.js';
import type { RateLimiterPort } from '../ports/rate-limiter.port.js';
import { ChatError } from '../protocol/errors.js';
import type { Caller } from './caller.js';

export class Admission {
  constructor(private readonly deps: { rateLimiter?: RateLimiterPort; policy: ChatPolicy }) {}

  /** Resolves when the frame may proceed; throws `rate_limited` (with `retryAfterMs`) otherwise. */
  async admit(caller: Caller): Promise<void> {
    const limit = this.deps.policy.rateLimit;
    const limiter = this.deps.rateLimiter;
    if (limit === null || limiter === undefined) return;
    const decision = await limiter.take(
      caller.connectionId,
      { burst: limit.burst, intervalMs: 1000 / limit.perSecond },
      caller.connectedAt + this.deps.policy.connectionTtlMs,
    );
    if (!decision.allowed) {
      throw new ChatError('rate_limited', 'Too many frames from this connection; slow down', {
        retryAfterMs: Math.ceil(decision.retryAfterMs),
      });
    }
  }
}
