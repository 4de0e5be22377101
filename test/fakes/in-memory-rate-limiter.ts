// Test fake for RateLimiterPort: the domain's GCRA rule over a map.

import { decideRate, type ClockPort, type RateLimit, type RateLimiterPort } from '../../src/domain/index.js';

export class InMemoryRateLimiter implements RateLimiterPort {
  private readonly state = new Map<string, number>();

  constructor(private readonly clock: ClockPort) {}

  async take(connectionId: string, limit: RateLimit): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const decision = decideRate(this.state.get(connectionId), this.clock.now(), limit);
    if (decision.allowed) this.state.set(connectionId, decision.tat);
    return { allowed: decision.allowed, retryAfterMs: decision.retryAfterMs };
  }
}
