// Contract: the behaviour every RateLimiterPort must show, run against the fake and the real adapter.

import { beforeEach, describe, expect, it } from '@jest/globals';
import type { RateBucket, RateLimiterPort } from '../../src/domain/index.js';
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
    const bucketOf = (id: string): RateBucket => ({ scope: 'connection', connectionId: id });
    const takeFrom = (bucket: RateBucket) => limiter.take(bucket, limit, clock.now() + 3_600_000);
    const take = (id = connection()) => takeFrom(bucketOf(id));
    const spend = async (bucket: RateBucket) => {
      for (let i = 0; i < limit.burst; i += 1) expect((await takeFrom(bucket)).allowed).toBe(true);
      expect((await takeFrom(bucket)).allowed).toBe(false);
    };

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

    it('says exactly when to retry: a frame then is allowed, one a moment earlier is not', async () => {
      for (let i = 0; i < 3; i += 1) await take();
      clock.advance(400);
      const refused = await take();
      // Three frames at t=0 put the next allowed one at t=1000: 600 ms after this refusal.
      expect(refused).toEqual({ allowed: false, retryAfterMs: 600 });
      clock.advance(599);
      expect((await take()).allowed).toBe(false);
      clock.advance(1);
      expect((await take()).allowed).toBe(true);
    });

    it('keeps a user bucket apart from a connection bucket of the same id', async () => {
      const id = connection();
      await spend({ scope: 'connection', connectionId: id });
      expect((await takeFrom({ scope: 'user', userId: id })).allowed).toBe(true);
      await spend({ scope: 'user', userId: `${id}-user` });
      expect((await takeFrom({ scope: 'connection', connectionId: `${id}-user` })).allowed).toBe(true);
    });

    it('forgets a bucket: it is full again, and the other scope is untouched', async () => {
      const id = connection();
      await spend({ scope: 'connection', connectionId: id });
      await spend({ scope: 'user', userId: id });
      await limiter.forget({ scope: 'connection', connectionId: id });
      expect((await takeFrom({ scope: 'connection', connectionId: id })).allowed).toBe(true);
      expect((await takeFrom({ scope: 'user', userId: id })).allowed).toBe(false);
      await limiter.forget({ scope: 'connection', connectionId: `${id}-never-seen` });
    });

    it('never lets concurrent frames exceed the burst', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => take()));
      expect(results.filter((r) => r.allowed).length).toBeLessThanOrEqual(limit.burst);
      expect(results.filter((r) => r.allowed).length).toBeGreaterThanOrEqual(1);
    });
  });
}
