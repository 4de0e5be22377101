// Contract: the behaviour every MessageReactionsPort must show, run against the fake and the DynamoDB
// adapter (whose counts live on the message log's items, so both run beside their message log).

import { describe, expect, it } from '@jest/globals';
import {
  directConversation,
  ReactionRefused,
  roomConversation,
  type Conversation,
  type MessageLogPort,
  type MessageReactionsPort,
} from '../../src/domain/index.js';
import type { ManualClock } from '../fakes/manual-clock.js';

export interface MessageReactionsUnderTest {
  readonly reactions: MessageReactionsPort;
  readonly messages: MessageLogPort;
  readonly clock: ManualClock;
}

const DAY = 86_400_000;
const LIMITS = { maxKinds: 3, expiresAt: Number.MAX_SAFE_INTEGER };

export function messageReactionsContract(name: string, make: () => Promise<MessageReactionsUnderTest>): void {
  describe(`MessageReactionsPort contract: ${name}`, () => {
    let n = 0;
    // A room of its own per test, so a shared real table needs no cleanup between tests.
    const room = () => roomConversation(`rx-${(n += 1)}`);

    async function post(subject: MessageReactionsUnderTest, conversation: Conversation, text = 'hi') {
      const { message } = await subject.messages.append({
        conversation,
        messageId: `m-${(n += 1)}`,
        from: { userId: 'ada', displayName: 'Ada' },
        text,
        sentAt: subject.clock.now(),
        expiresAt: subject.clock.now() + DAY,
      });
      return message.seq;
    }

    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => (error instanceof ReactionRefused ? error.reason : error),
      );

    it('counts one of each reaction per user, and a repeat changes nothing', async () => {
      const subject = await make();
      const { reactions, messages } = subject;
      const general = room();
      const seq = await post(subject, general);

      const first = await reactions.react(general, { seq, userId: 'bob', reaction: '👍', on: true }, LIMITS);
      expect(first).toMatchObject({ changed: true, counts: { '👍': 1 }, mine: ['👍'] });
      const again = await reactions.react(general, { seq, userId: 'bob', reaction: '👍', on: true }, LIMITS);
      expect(again).toMatchObject({ changed: false, counts: { '👍': 1 }, mine: ['👍'], summaryDue: false });
      const other = await reactions.react(general, { seq, userId: 'cy', reaction: '👍', on: true }, LIMITS);
      expect(other.counts).toEqual({ '👍': 2 });
      expect(other.mine).toEqual(['👍']);
      const off = await reactions.react(general, { seq, userId: 'bob', reaction: '👍', on: false }, LIMITS);
      expect(off).toMatchObject({ changed: true, counts: { '👍': 1 }, mine: [] });
      const offAgain = await reactions.react(
        general,
        { seq, userId: 'bob', reaction: '👍', on: false },
        LIMITS,
      );
      expect(offAgain).toMatchObject({ changed: false, counts: { '👍': 1 } });
      expect((await messages.get(general, seq))?.reactions).toEqual({ '👍': 1 });
    });

    it('keeps counts exact under concurrent changes by many users', async () => {
      const subject = await make();
      const general = room();
      const seq = await post(subject, general);
      const users = Array.from({ length: 12 }, (_, i) => `u${i}`);
      await Promise.all(
        users.map((userId) =>
          subject.reactions.react(general, { seq, userId, reaction: '🎉', on: true }, LIMITS),
        ),
      );
      await Promise.all(
        users
          .slice(0, 5)
          .map((userId) =>
            subject.reactions.react(general, { seq, userId, reaction: '🎉', on: false }, LIMITS),
          ),
      );
      expect((await subject.messages.get(general, seq))?.reactions).toEqual({ '🎉': 7 });
    });

    it('bounds the distinct reactions of a message, while an existing one may still be given', async () => {
      const subject = await make();
      const general = room();
      const seq = await post(subject, general);
      for (const reaction of ['a', 'b', 'c']) {
        await subject.reactions.react(general, { seq, userId: 'bob', reaction, on: true }, LIMITS);
      }
      expect(
        await refusal(
          subject.reactions.react(general, { seq, userId: 'cy', reaction: 'd', on: true }, LIMITS),
        ),
      ).toBe('too_many_kinds');
      const existing = await subject.reactions.react(
        general,
        { seq, userId: 'cy', reaction: 'a', on: true },
        LIMITS,
      );
      expect(existing.counts).toMatchObject({ a: 2, b: 1, c: 1 });
      expect(existing.counts).not.toHaveProperty('d');
    });

    it('refuses a missing, deleted or expired message, and an edit entry, the same way', async () => {
      const subject = await make();
      const general = room();
      const live = await post(subject, general);
      const doomed = await post(subject, general);
      const amend = (kind: 'edit' | 'delete', target: number) =>
        subject.messages.amend({
          conversation: general,
          messageId: `${kind}-${target}`,
          from: { userId: 'ada', displayName: 'Ada' },
          text: kind === 'edit' ? 'changed' : '',
          sentAt: subject.clock.now(),
          expiresAt: subject.clock.now() + DAY,
          amends: { kind, target },
        });
      const edit = await amend('edit', live);
      await amend('delete', doomed);
      const react = (seq: number) =>
        refusal(subject.reactions.react(general, { seq, userId: 'bob', reaction: '👍', on: true }, LIMITS));
      expect(await react(999)).toBe('no_message');
      expect(await react(doomed)).toBe('no_message');
      expect(await react(edit.seq)).toBe('no_message');
      subject.clock.advance(DAY + 1);
      expect(await react(live)).toBe('no_message');
    });

    it('opens one gathering window per message; its summary closes it and the next change opens another', async () => {
      const subject = await make();
      const general = room();
      const seq = await post(subject, general);
      const react = (userId: string, reaction: string, on = true) =>
        subject.reactions.react(general, { seq, userId, reaction, on }, LIMITS);

      expect((await react('bob', '👍')).summaryDue).toBe(true);
      expect((await react('cy', '👍')).summaryDue).toBe(false);
      expect((await react('bob', '👍', false)).summaryDue).toBe(false);
      expect(await subject.reactions.takeSummary(general, seq)).toMatchObject({ '👍': 1 });
      expect((await react('dee', '❤️')).summaryDue).toBe(true);
      expect((await react('cy', '👍', false)).summaryDue).toBe(false);
      // The summary shows what is given; a reaction nobody gives any more leaves the set.
      const summary = await subject.reactions.takeSummary(general, seq);
      expect(Object.entries(summary ?? {}).filter(([, count]) => count > 0)).toEqual([['❤️', 1]]);
      expect((await subject.messages.get(general, seq))?.reactions).toEqual({ '❤️': 1 });
      expect(await subject.reactions.takeSummary(general, 999)).toBeUndefined();
    });

    it('opens a new window when the open one is long past (its summary job was lost)', async () => {
      const subject = await make();
      const general = room();
      const seq = await post(subject, general);
      const react = (userId: string) =>
        subject.reactions.react(general, { seq, userId, reaction: '👍', on: true }, LIMITS);
      expect((await react('bob')).summaryDue).toBe(true);
      subject.clock.advance(59_000);
      expect((await react('cy')).summaryDue).toBe(false);
      subject.clock.advance(2_000);
      expect((await react('dee')).summaryDue).toBe(true);
      expect((await react('eve')).summaryDue).toBe(false);
    });

    it("lists a user's reactions per message, in rooms and direct conversations, apart from others'", async () => {
      const subject = await make();
      const dm = directConversation(`ada-${(n += 1)}`, 'bob');
      const [one, two, three] = [await post(subject, dm), await post(subject, dm), await post(subject, dm)];
      for (const [seq, reaction] of [
        [one, '👍'],
        [one, 'x#y'],
        [three, '❤️'],
      ] as const) {
        await subject.reactions.react(dm, { seq, userId: 'bob', reaction, on: true }, LIMITS);
      }
      await subject.reactions.react(dm, { seq: two, userId: 'bob2', reaction: '👍', on: true }, LIMITS);
      const mine = await subject.reactions.mine(dm, 'bob', [one, two, three]);
      expect(new Map([...mine].map(([seq, list]) => [seq, [...list].sort()]))).toEqual(
        new Map([
          [one, ['x#y', '👍'].sort()],
          [three, ['❤️']],
        ]),
      );
      expect(await subject.reactions.mine(dm, 'bob', [two])).toEqual(new Map());
      expect(await subject.reactions.mine(room(), 'bob', [one])).toEqual(new Map());
    });
  });
}
