// Unit: every client frame passes the connection's and the user's token buckets first; refusals already
// known in the container are answered without asking the store.

import { describe, expect, it } from '@jest/globals';
import {
  Admission,
  chatPolicy,
  ChatError,
  decideRate,
  rateBucketName,
  type Caller,
  type ChatPolicy,
  type RateBucket,
  type RateLimit,
  type RateLimiterPort,
} from '../../src/domain/index.js';
import { RefusalMemory } from '../../src/domain/refusal-memory.js';
import { InMemoryRateLimiter } from '../fakes/in-memory-rate-limiter.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { chatHarness } from '../support/chat-harness.js';

async function refusal(work: Promise<unknown>): Promise<ChatError | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
}

describe('admission', () => {
  it('admits a burst, then refuses with rate_limited and when to retry, then refills', async () => {
    const h = chatHarness({ rateLimit: { burst: 4, perSecond: 2 } });
    const alice = await h.connect('alice', 'c-alice');
    for (let i = 0; i < 4; i += 1) await h.chat.admission.admit(alice);

    const refused = await refusal(h.chat.admission.admit(alice));
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.message).toMatch(/slow down/);
    expect(refused?.details).toEqual({ retryAfterMs: 500 });

    h.clock.advance(500);
    expect(await refusal(h.chat.admission.admit(alice))).toBeUndefined();
  });

  it('limits each connection on its own', async () => {
    const h = chatHarness({ rateLimit: { burst: 1, perSecond: 1 } });
    const flood = await h.connect('flood', 'c-flood');
    const calm = await h.connect('calm', 'c-calm');
    await h.chat.admission.admit(flood);
    expect((await refusal(h.chat.admission.admit(flood)))?.code).toBe('rate_limited');
    expect(await refusal(h.chat.admission.admit(calm))).toBeUndefined();
  });

  it('refuses a connection known to be empty from memory, without asking the store again', async () => {
    const h = chatHarness({ rateLimit: { burst: 1, perSecond: 1 }, userRateLimit: null });
    const flood = await h.connect('flood', 'c-flood');
    await h.chat.admission.admit(flood);
    expect((await refusal(h.chat.admission.admit(flood)))?.code).toBe('rate_limited');
    const asked = h.rateLimiter.takes.length;
    expect((await refusal(h.chat.admission.admit(flood)))?.details).toEqual({ retryAfterMs: 1_000 });
    expect(h.rateLimiter.takes).toHaveLength(asked);
  });

  it('keeps the buckets for as long as the connection lives', async () => {
    const expiries: number[] = [];
    const admission = new Admission({
      rateLimiter: {
        take: async (_bucket, _limit, expiresAt) => {
          expiries.push(expiresAt);
          return { allowed: true, retryAfterMs: 0 };
        },
        forget: async () => undefined,
      },
      clock: new ManualClock(5_000),
      policy: chatPolicy({ connectionTtlMs: 60_000 }),
    });
    await admission.admit(callerOf('ada', 'c-ada', 2_000));
    expect(expiries).toEqual([62_000, 62_000]);
  });

  it('admits everything when both limits are off', async () => {
    const h = chatHarness({ rateLimit: null, userRateLimit: null });
    const alice = await h.connect('alice', 'c-alice');
    for (let i = 0; i < 100; i += 1) await h.chat.admission.admit(alice);
  });
});

function callerOf(userId: string, connectionId: string, connectedAt = 0): Caller {
  return { connectionId, identity: { userId, displayName: userId }, connectedAt };
}

/** Admission over the recording fake and a refusal memory. */
function rig(overrides: Partial<ChatPolicy>) {
  const clock = new ManualClock(1_000_000);
  const limiter = new InMemoryRateLimiter(clock);
  const refusals = new RefusalMemory(clock);
  const admission = new Admission({ rateLimiter: limiter, refusals, clock, policy: chatPolicy(overrides) });
  const admit = async (caller: Caller) => {
    try {
      await admission.admit(caller);
      return 'admitted' as const;
    } catch (error) {
      if (error instanceof ChatError && error.code === 'rate_limited') {
        return { retryAfterMs: error.details?.['retryAfterMs'] as number };
      }
      throw error;
    }
  };
  return { clock, limiter, refusals, admit };
}

describe('admission per user', () => {
  const perUser = { rateLimit: { burst: 3, perSecond: 1 }, userRateLimit: { burst: 5, perSecond: 1 } };

  it("caps the user's connections together at the user's bucket, whatever their number", async () => {
    const { admit } = rig(perUser);
    const outcomes = [];
    for (let c = 0; c < 10; c += 1) {
      for (let i = 0; i < 3; i += 1) outcomes.push(await admit(callerOf('mallory', `c-${c}`)));
    }
    expect(outcomes.filter((outcome) => outcome === 'admitted')).toHaveLength(5);
    // Another user is not affected.
    expect(await admit(callerOf('alice', 'c-alice'))).toBe('admitted');
  });

  it('refuses when either bucket refuses, with the longer wait', async () => {
    const { admit } = rig({
      rateLimit: { burst: 2, perSecond: 1 },
      userRateLimit: { burst: 4, perSecond: 2 },
    });
    const first = callerOf('bob', 'c-1');
    await admit(first);
    await admit(first);
    // The connection's bucket is empty (next frame in 1,000 ms); the user's still has one: the refused
    // frame took from it too, as both takes run at once.
    expect(await admit(first)).toEqual({ retryAfterMs: 1_000 });
    const second = callerOf('bob', 'c-2');
    expect(await admit(second)).toBe('admitted');
    // Now the user's bucket is empty too: the user's next frame is 500 ms away, the connection's 1,000.
    expect(await admit(callerOf('bob', 'c-3'))).toEqual({ retryAfterMs: 500 });
    // Both empty: the longer wait is the one that matters.
    expect(await admit(first)).toEqual({ retryAfterMs: 1_000 });
  });

  it('starts both takes before either answers (one round trip, not two)', async () => {
    const clock = new ManualClock(0);
    const started: string[] = [];
    const answers: (() => void)[] = [];
    const slow: RateLimiterPort = {
      take: (bucket: RateBucket, _limit: RateLimit) =>
        new Promise((resolve) => {
          started.push(bucket.scope);
          answers.push(() => resolve({ allowed: true, retryAfterMs: 0 }));
        }),
      forget: async () => undefined,
    };
    const admission = new Admission({ rateLimiter: slow, clock, policy: chatPolicy() });
    const admitted = admission.admit(callerOf('carol', 'c-carol'));
    await Promise.resolve();
    expect(started.sort()).toEqual(['connection', 'user']);
    answers.forEach((answer) => answer());
    await admitted;
  });
});

describe('refusals remembered in the container', () => {
  const limits = { rateLimit: { burst: 2, perSecond: 1 }, userRateLimit: { burst: 4, perSecond: 1 } };

  it('refuses a frame to a bucket known to be empty without any take, until the wait is over', async () => {
    const { admit, clock, limiter } = rig(limits);
    const dave = callerOf('dave', 'c-dave');
    await admit(dave);
    await admit(dave);
    expect(await admit(dave)).toEqual({ retryAfterMs: 1_000 });
    const takesBefore = limiter.takes.length;

    clock.advance(400);
    expect(await admit(dave)).toEqual({ retryAfterMs: 600 });
    clock.advance(599);
    expect(await admit(dave)).toEqual({ retryAfterMs: 1 });
    expect(limiter.takes).toHaveLength(takesBefore);

    clock.advance(1);
    expect(await admit(dave)).toBe('admitted');
    expect(limiter.takes.slice(takesBefore)).toEqual(['connection:c-dave', 'user:dave']);
  });

  it("remembers the user's bucket for all the user's connections", async () => {
    const { admit, limiter } = rig(limits);
    for (let c = 0; c < 2; c += 1) {
      await admit(callerOf('erin', `c-${c}`));
      await admit(callerOf('erin', `c-${c}`));
    }
    expect(await admit(callerOf('erin', 'c-2'))).toEqual({ retryAfterMs: 1_000 });
    const takesBefore = limiter.takes.length;
    expect(await admit(callerOf('erin', 'c-3'))).toEqual({ retryAfterMs: 1_000 });
    expect(limiter.takes).toHaveLength(takesBefore);
  });

  it('refuses from memory only what the store would refuse, and admits nothing beyond either bucket', async () => {
    // A pseudo-random flood from one user's three connections at uneven times.
    const { admit, clock, limiter } = rig(limits);
    const admittedAt = new Map<string, number[]>();
    let fromMemory = 0;
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
    for (let frame = 0; frame < 400; frame += 1) {
      clock.advance(next() % 700);
      const caller = callerOf('frank', `c-${next() % 3}`);
      const buckets: [RateBucket, RateLimit][] = [
        [
          { scope: 'connection', connectionId: caller.connectionId },
          { burst: 2, intervalMs: 1_000 },
        ],
        [
          { scope: 'user', userId: 'frank' },
          { burst: 4, intervalMs: 1_000 },
        ],
      ];
      const takesBefore = limiter.takes.length;
      const outcome = await admit(caller);
      if (outcome === 'admitted') {
        for (const [bucket] of buckets) {
          const name = rateBucketName(bucket);
          admittedAt.set(name, [...(admittedAt.get(name) ?? []), clock.now()]);
        }
      } else if (limiter.takes.length === takesBefore) {
        fromMemory += 1;
        // A refused take leaves the fake's bucket as it was: ask it what the store would say now.
        const store = await Promise.all(buckets.map(([bucket, limit]) => limiter.take(bucket, limit)));
        expect(store.some((decision) => !decision.allowed)).toBe(true);
      }
    }
    expect(fromMemory).toBeGreaterThan(0);
    // Every bucket's admitted frames, replayed through the rule alone, are all allowed.
    for (const [name, times] of admittedAt) {
      const limit = name.startsWith('user:')
        ? { burst: 4, intervalMs: 1_000 }
        : { burst: 2, intervalMs: 1_000 };
      let tat: number | undefined;
      for (const at of times) {
        const decision = decideRate(tat, at, limit);
        expect(decision.allowed).toBe(true);
        tat = decision.tat;
      }
    }
  });

  it('keeps at most its bound of buckets, dropping lapsed ones first, then the oldest', () => {
    const clock = new ManualClock(0);
    const memory = new RefusalMemory(clock, 3);
    const bucket = (id: string): RateBucket => ({ scope: 'connection', connectionId: id });
    memory.remember(bucket('a'), 100);
    memory.remember(bucket('b'), 1_000);
    memory.remember(bucket('c'), 1_000);
    clock.advance(200);
    memory.remember(bucket('d'), 1_000);
    expect(memory.size).toBe(3);
    expect(memory.retryAfterMs(bucket('b'))).toBe(800);
    memory.remember(bucket('e'), 1_000);
    expect(memory.size).toBe(3);
    expect(memory.retryAfterMs(bucket('b'))).toBe(0);
    expect([memory.retryAfterMs(bucket('c')), memory.retryAfterMs(bucket('e'))]).toEqual([800, 1_000]);
  });

  it('forgets a refusal the moment it lapses, and keeps none without a wait', () => {
    const clock = new ManualClock(0);
    const memory = new RefusalMemory(clock);
    const bucket = (id: string): RateBucket => ({ scope: 'connection', connectionId: id });
    memory.remember(bucket('zero'), 0);
    memory.remember(bucket('negative'), -5);
    expect(memory.size).toBe(0);
    memory.remember(bucket('a'), 100);
    memory.remember(bucket('b'), 100);
    clock.advance(100);
    expect(memory.retryAfterMs(bucket('a'))).toBe(0);
    expect(memory.size).toBe(1);
    clock.advance(50);
    expect(memory.retryAfterMs(bucket('b'))).toBe(0);
    expect(memory.size).toBe(0);
  });

  it('drops a lapsed bucket before the oldest live one, and sweeps only when full', () => {
    const clock = new ManualClock(0);
    const memory = new RefusalMemory(clock, 2);
    const bucket = (id: string): RateBucket => ({ scope: 'connection', connectionId: id });
    memory.remember(bucket('oldest'), 1_000);
    clock.advance(100);
    memory.remember(bucket('lapsing'), 100);
    clock.advance(200);
    memory.remember(bucket('new'), 1_000);
    expect(memory.retryAfterMs(bucket('oldest'))).toBe(700);
    expect(memory.retryAfterMs(bucket('new'))).toBe(1_000);
    // Below the bound a lapsed bucket stays until asked about: a sweep is a pass over every bucket.
    const roomy = new RefusalMemory(clock, 10);
    roomy.remember(bucket('x'), 100);
    clock.advance(200);
    roomy.remember(bucket('y'), 100);
    expect(roomy.size).toBe(2);
  });

  it('counts a bucket lapsing at this very instant as lapsed when making room', () => {
    const clock = new ManualClock(0);
    const memory = new RefusalMemory(clock, 2);
    const bucket = (id: string): RateBucket => ({ scope: 'connection', connectionId: id });
    memory.remember(bucket('oldest'), 1_000);
    memory.remember(bucket('lapsing'), 100);
    clock.advance(100);
    memory.remember(bucket('new'), 1_000);
    expect(memory.retryAfterMs(bucket('oldest'))).toBe(900);
    expect(memory.retryAfterMs(bucket('new'))).toBe(1_000);
    expect(memory.size).toBe(2);
  });

  it('forgets a bucket on request', () => {
    const memory = new RefusalMemory(new ManualClock(0));
    memory.remember({ scope: 'user', userId: 'x' }, 500);
    memory.forget({ scope: 'user', userId: 'x' });
    expect(memory.retryAfterMs({ scope: 'user', userId: 'x' })).toBe(0);
  });

  it('tells a user bucket from a connection bucket of the same id', () => {
    const memory = new RefusalMemory(new ManualClock(0));
    memory.remember({ scope: 'user', userId: 'x' }, 500);
    expect(memory.retryAfterMs({ scope: 'connection', connectionId: 'x' })).toBe(0);
    expect(memory.retryAfterMs({ scope: 'user', userId: 'x' })).toBe(500);
  });
});

describe('decideRate (GCRA)', () => {
  const limit = { burst: 3, intervalMs: 100 };

  it('is a token bucket: burst at once, then one per interval', () => {
    let tat: number | undefined;
    const at = (now: number) => {
      const decision = decideRate(tat, now, limit);
      if (decision.allowed) tat = decision.tat;
      return decision.allowed;
    };
    expect([at(0), at(0), at(0), at(0)]).toEqual([true, true, true, false]);
    expect([at(99), at(100), at(100)]).toEqual([false, true, false]);
    expect([at(1_000), at(1_000), at(1_000), at(1_000)]).toEqual([true, true, true, false]);
  });
});

describe("each bucket's takes, one at a time in the container", () => {
  it('refuses from memory the frames queued behind the take that met the empty bucket', async () => {
    const { admit, limiter, refusals } = rig({ rateLimit: { burst: 3, perSecond: 1 }, userRateLimit: null });
    const gina = callerOf('gina', 'c-gina');
    // Ten frames at once, as a client's burst reaches a process running invocations side by side.
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => admit(gina)));
    expect(outcomes.filter((outcome) => outcome === 'admitted')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome !== 'admitted')).toHaveLength(7);
    // Three allowed, one refused by the store; the six behind it never reached the store.
    expect(limiter.takes).toEqual(Array.from({ length: 4 }, () => 'connection:c-gina'));
    expect(refusals.lineCount).toBe(0);
  });

  it('holds no take on another bucket, and a failed take does not stop the line', async () => {
    const clock = new ManualClock(1_000_000);
    const refusals = new RefusalMemory(clock);
    const started: string[] = [];
    const gates = new Map<string, { open: () => void; fail: (error: Error) => void }>();
    const limiter: RateLimiterPort = {
      take: (bucket) => {
        const name = rateBucketName(bucket);
        started.push(name);
        return new Promise((resolve, reject) => {
          gates.set(`${name}#${started.length}`, {
            open: () => resolve({ allowed: true, retryAfterMs: 0 }),
            fail: reject,
          });
        });
      },
      forget: async () => undefined,
    };
    const admission = new Admission({
      rateLimiter: limiter,
      refusals,
      clock,
      policy: chatPolicy({ rateLimit: { burst: 5, perSecond: 1 }, userRateLimit: null }),
    });
    const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

    const first = admission.admit(callerOf('hal', 'c-1')).catch((error: Error) => error);
    const second = admission.admit(callerOf('hal', 'c-1'));
    const other = admission.admit(callerOf('ivy', 'c-2'));
    await settle();
    // c-1's second take waits for its first; c-2's runs at once.
    expect(started).toEqual(['connection:c-1', 'connection:c-2']);
    gates.get('connection:c-2#2')!.open();
    await expect(other).resolves.toBeUndefined();

    gates.get('connection:c-1#1')!.fail(new Error('store unavailable'));
    expect(((await first) as Error).message).toBe('store unavailable');
    await settle();
    expect(started).toEqual(['connection:c-1', 'connection:c-2', 'connection:c-1']);
    gates.get('connection:c-1#3')!.open();
    await expect(second).resolves.toBeUndefined();
    expect(refusals.lineCount).toBe(0);
  });
});
