// Unit: every client frame passes the connection's token bucket first.

import { describe, expect, it } from '@jest/globals';
import { ChatError, decideRate } from '../../src/domain/index.js';
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

  it('admits everything when the limit is off', async () => {
    const h = chatHarness({ rateLimit: null });
    const alice = await h.connect('alice', 'c-alice');
    for (let i = 0; i < 100; i += 1) await h.chat.admission.admit(alice);
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
