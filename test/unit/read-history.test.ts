// Unit: history pages of rooms and direct conversations, with limits and access rules.

import { describe, expect, it } from '@jest/globals';
import { ChatError, type Caller } from '../../src/domain/index.js';
import { chatHarness, type ChatHarness } from '../support/chat-harness.js';

async function roomWith(count: number, overrides = {}) {
  const h = chatHarness(overrides);
  const alice = await h.connect('alice', 'c-alice');
  for (let i = 1; i <= count; i += 1) {
    await h.chat.sendMessage.execute(alice, { action: 'sendMessage', text: `m${i}` });
  }
  return { h, alice };
}

const seqs = (event: { messages: readonly { seq: number }[] }) => event.messages.map((m) => m.seq);

async function read(
  h: ChatHarness,
  caller: Caller,
  range: { after?: number; before?: number; limit?: number },
) {
  return h.chat.history.execute(caller, { action: 'history', target: { room: 'lobby' }, ...range });
}

describe('history', () => {
  it('returns the newest messages, oldest first, when no range is given', async () => {
    const { h, alice } = await roomWith(8);
    const page = await read(h, alice, { limit: 3 });
    expect(seqs(page)).toEqual([6, 7, 8]);
    expect(page.hasMore).toBe(true);
    expect(page).toMatchObject({ type: 'history', room: 'lobby' });
  });

  it('pages forward with after', async () => {
    const { h, alice } = await roomWith(8);
    expect(seqs(await read(h, alice, { after: 2, limit: 3 }))).toEqual([3, 4, 5]);
    const last = await read(h, alice, { after: 5, limit: 3 });
    expect([seqs(last), last.hasMore]).toEqual([[6, 7, 8], false]);
  });

  it('pages backward with before', async () => {
    const { h, alice } = await roomWith(8);
    const page = await read(h, alice, { before: 4, limit: 10 });
    expect([seqs(page), page.hasMore]).toEqual([[1, 2, 3], false]);
  });

  it('reads between after and before', async () => {
    const { h, alice } = await roomWith(8);
    const page = await read(h, alice, { after: 2, before: 6, limit: 10 });
    expect([seqs(page), page.hasMore]).toEqual([[3, 4, 5], false]);
  });

  it('uses the default limit and caps a larger one', async () => {
    const { h, alice } = await roomWith(12, { historyLimitDefault: 4, historyLimitMax: 6 });
    expect(seqs(await read(h, alice, {}))).toEqual([9, 10, 11, 12]);
    expect(seqs(await read(h, alice, { limit: 1000 }))).toHaveLength(6);
  });

  it('replies to the caller with the requestId', async () => {
    const { h, alice } = await roomWith(1);
    await h.chat.history.execute(alice, { action: 'history', target: { room: 'lobby' }, requestId: 'h1' });
    expect(h.notifier.ofType('c-alice', 'history')[0]).toMatchObject({ requestId: 'h1', hasMore: false });
  });

  it('ignores expired messages', async () => {
    const { h, alice } = await roomWith(2, { messageRetentionMs: 1_000 });
    h.clock.advance(1_000);
    await h.chat.sendMessage.execute(alice, { action: 'sendMessage', text: 'fresh' });
    expect(seqs(await read(h, alice, {}))).toEqual([3]);
  });

  it('refuses a room the caller has not joined', async () => {
    const { h } = await roomWith(2);
    const stranger = { connectionId: 'c-x', identity: { userId: 'x', displayName: 'x' }, connectedAt: 0 };
    await expect(
      h.chat.history.execute(stranger, { action: 'history', target: { room: 'lobby' } }),
    ).rejects.toMatchObject({ code: 'not_a_member' });
    await expect(
      h.chat.history.execute(stranger, { action: 'history', target: { room: 'lobby' } }),
    ).rejects.toBeInstanceOf(ChatError);
  });

  it('reads only conversations the caller is part of', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    const mallory = await h.connect('mallory', 'c-mallory');
    await h.chat.sendDirect.execute(alice, { action: 'sendDirect', to: 'bob', text: 'secret' });

    const malloryWithBob = await h.chat.history.execute(mallory, {
      action: 'history',
      target: { with: 'bob' },
    });
    const malloryWithAlice = await h.chat.history.execute(mallory, {
      action: 'history',
      target: { with: 'alice' },
    });
    const aliceWithBob = await h.chat.history.execute(alice, { action: 'history', target: { with: 'bob' } });

    expect(malloryWithBob.messages).toEqual([]);
    expect(malloryWithAlice.messages).toEqual([]);
    expect(aliceWithBob.messages.map((m) => ('text' in m ? m.text : ''))).toEqual(['secret']);
    expect(aliceWithBob).toMatchObject({ with: 'bob' });
  });

  it('fits a page that ends the history into the payload limit at its exact size and one byte below', async () => {
    const build = (maxPayloadBytes: number) => roomWith(3, { maxPayloadBytes, maxFrameBytes: 200 });
    const whole = await build(128 * 1024);
    const size = Buffer.byteLength(JSON.stringify(await read(whole.h, whole.alice, { after: 0 })), 'utf8');

    const exact = await build(size);
    const all = await read(exact.h, exact.alice, { after: 0 });
    expect([seqs(all), all.hasMore]).toEqual([[1, 2, 3], false]);

    // One byte short: `hasMore: false` is one byte longer than `true`, so the last message has to go.
    const short = await build(size - 1);
    const cut = await read(short.h, short.alice, { after: 0 });
    expect([seqs(cut), cut.hasMore]).toEqual([[1, 2], true]);
    expect(Buffer.byteLength(JSON.stringify(cut), 'utf8')).toBeLessThanOrEqual(size - 1);
  });

  it('cuts a page to fit one @connections payload and says there is more', async () => {
    const { h, alice } = await roomWith(0, { maxPayloadBytes: 32 * 1024 });
    for (let i = 0; i < 10; i += 1) {
      await h.chat.sendMessage.execute(alice, { action: 'sendMessage', text: 'z'.repeat(4_000) });
    }

    const page = await read(h, alice, { after: 0, limit: 10 });

    expect(Buffer.byteLength(JSON.stringify(page), 'utf8')).toBeLessThanOrEqual(32 * 1024);
    expect(seqs(page)[0]).toBe(1);
    expect(page.messages.length).toBeLessThan(10);
    expect(page.hasMore).toBe(true);
  });
});
