// Local emulator: API Gateway's account-level throttle on @connections calls (POST, GET and DELETE), a
// token bucket of `perSecond` requests a second holding at most `burst`. Off until a limit is set.

import type { Scheduler } from './scheduler.js';

export interface AccountRateLimit {
  /** Steady requests a second (AWS's default account quota is 10,000, shared by every API of the Region). */
  readonly perSecond: number;
  /** Requests admitted at once after a quiet spell (AWS's default burst is 5,000). */
  readonly burst: number;
}

export class AccountThrottle {
  private limit: AccountRateLimit | undefined;
  private tokens = 0;
  private refilledAt = 0;
  private refused = 0;

  constructor(private readonly scheduler: Scheduler) {}

  /** Sets the limit (starting with a full bucket), or lifts it with undefined. */
  set(limit: AccountRateLimit | undefined): void {
    if (limit !== undefined && !(limit.perSecond > 0 && limit.burst >= 1)) {
      throw new RangeError('an account rate limit needs perSecond > 0 and burst >= 1');
    }
    this.limit = limit;
    this.tokens = limit?.burst ?? 0;
    this.refilledAt = this.scheduler.now();
    this.refused = 0;
  }

  /** Takes one token for a call arriving now; false means the call is answered 429. */
  admit(): boolean {
    const limit = this.limit;
    if (limit === undefined) return true;
    const now = this.scheduler.now();
    this.tokens = Math.min(limit.burst, this.tokens + ((now - this.refilledAt) / 1_000) * limit.perSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.refused += 1;
    return false;
  }

  /** Calls refused since the limit was set. */
  get throttled(): number {
    return this.refused;
  }
}
