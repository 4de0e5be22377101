// Contract: the behaviour every RateLimiterPort must show, run against the fake and the real adapter.

import { beforeEach, describe, expect, it } from '@jest/globals';
import type { RateLimiterPort } from '../../src/domain/index.js';
import type { ManualClock } from '../fakes/manual-clock.js';

export interface RateLimiterUnderTest {
  readonly limiter: RateLimiterPort;
  readonly clock: ManualClock;
}

const limit = { burst: 3, intervalMs: 1_000 };

export function rateLimiterContract(name: string, make: () => Promise<RateLimiterUnderTest>): void {
  describe(`RateLimiterPort contract: ${name}`, () => {
    let limiter: RateLimiterPort;
    let clock: ManualClock;
    let n = 0;
    const connection = () => `rate-conn-${n}`;
    const take = (id = connection()) => limiter.take(id, limit, clock.now() + 3_600_000);

    beforeEach(async () => {
      n += 1;
      ({ limiter, clock } = await make());
    });

    it('allows a burst, then refuses', async () => {
      const decisions = [];
      for (let i = 0; i < 5; i += 1) decisions.push((await take()).allowed);
      expect(decisions).toEqual([true, true, true, false, false]);
    });

    it('allows again at the sustained rate, and fully after a quiet spell', async () => {
      for (let i = 0; i < 3; i += 1) await take();
      expect((await take()).allowed).toBe(false);
      clock.advance(1_000);
      expect((await take()).allowed).toBe(true);
      expect((await take()).allowed).toBe(false);
      clock.advance(10_000);
      const afterQuiet = [];
      for (let i = 0; i < 4; i += 1) afterQuiet.push((await take()).allowed);
      expect(afterQuiet).toEqual([true, true, true, false]);
    });

    it('keeps connections apart', async () => {
      for (let i = 0; i < 3; i += 1) await take();
      expect((await take()).allowed).toBe(false);
      expect((await take(`${connection()}-other`)).allowed).toBe(true);
    });

    it('says when to retry', async () => {
      for (let i = 0; i < 3; i += 1) await take();
      const refused = await take();
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(limit.intervalMs);
    });

    it('never lets concurrent frames exceed the burst', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => take()));
      expect(results.filter((r) => r.allowed).length).toBeLessThanOrEqual(limit.burst);
      expect(results.filter((r) => r.allowed).length).toBeGreaterThanOrEqual(1);
    });
  });
}
