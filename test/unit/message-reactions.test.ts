// Unit: reactions to messages. One of each per user with exact counts, a bounded set per message, the
// caller's answer at once (with `mine`), one summary per message per gathering window for everyone else
// (a delayed queue job when there are workers), `mine` in history and catch-up, and typed refusals that
// say nothing about messages the caller cannot see.

import { describe, expect, it } from '@jest/globals';
import {
  MAX_REACTION_KINDS,
  parseClientAction,
  REACTION_SUMMARY_DELAY_SECONDS,
  ReactionRefused,
  summarise,
  roomConversation,
  type Caller,
  type MessageReactionsPort,
  type ReactAction,
  type StoredMessage,
} from '../../src/domain/index.js';
import { withReaderReactions } from '../../src/domain/use-cases/reader-reactions.js';
import { InMemoryFanOutQueue } from '../fakes/in-memory-fan-out-queue.js';
import { chatHarness } from '../support/chat-harness.js';

async function room(options: { queue?: InMemoryFanOutQueue } = {}) {
  const h = chatHarness({}, options.queue === undefined ? {} : { fanOutQueue: options.queue });
  const ada = await h.connect('ada', 'c-ada');
  const bob = await h.connect('bob', 'c-bob');
  const cy = await h.connect('cy', 'c-cy');
  await h.chat.sendMessage.execute(ada, { action: 'sendMessage', room: 'lobby', text: 'hello' });
  h.notifier.clear();
  return { h, ada, bob, cy };
}

const react = (reaction: string, on = true, seq = 1): ReactAction => ({
  action: 'react',
  target: { room: 'lobby' },
  seq,
  reaction,
  on,
  requestId: `r-${reaction}`,
});

describe('react: parsing', () => {
  it('reads a room or a peer, the message, the reaction, and "on" defaulting to true', () => {
    expect(parseClientAction({ action: 'react', room: 'lobby', seq: 3, reaction: '👍' })).toEqual({
      action: 'react',
      target: { room: 'lobby' },
      seq: 3,
      reaction: '👍',
      on: true,
    });
    expect(
      parseClientAction({
        action: 'react',
        with: 'bob',
        seq: 1,
        reaction: 'clap',
        on: false,
        requestId: 'r',
      }),
    ).toEqual({
      action: 'react',
      target: { with: 'bob' },
      seq: 1,
      reaction: 'clap',
      on: false,
      requestId: 'r',
    });
  });

  it.each([
    [{ room: 'lobby', seq: 1, reaction: '👍', on: 'yes' }, 'on'],
    [{ room: 'lobby', seq: 0, reaction: '👍' }, 'seq'],
    [{ room: 'lobby', seq: 1, reaction: 'two words' }, 'reaction'],
    [{ room: 'lobby', seq: 1, reaction: 'x'.repeat(17) }, 'reaction'],
    [{ room: 'lobby', seq: 1 }, 'reaction'],
    [{ room: 'lobby', with: 'bob', seq: 1, reaction: '👍' }, 'room'],
  ])('refuses %j naming "%s"', (body, field) => {
    expect(() => parseClientAction({ action: 'react', ...body })).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: { field } }),
    );
  });
});

describe('summarise', () => {
  it('lists only reactions with a count above zero, most given first', () => {
    expect(summarise({ clap: 1, wave: 0, heart: 3, gone: -1 })).toEqual([
      { reaction: 'heart', count: 3 },
      { reaction: 'clap', count: 1 },
    ]);
    expect(summarise({ wave: 0 })).toEqual([]);
  });

  it('orders reactions given equally often by reaction, whatever order the counts came in', () => {
    const expected = ['a', 'b', 'c', 'd'].map((reaction) => ({ reaction, count: 2 }));
    expect(summarise({ d: 2, b: 2, a: 2, c: 2 })).toEqual(expected);
    expect(summarise({ a: 2, b: 2, c: 2, d: 2 })).toEqual(expected);
  });

  it('marks each reaction as the reader’s or not only when the reader is known', () => {
    expect(summarise({ x: 1, y: 2 }, new Set(['x']))).toStrictEqual([
      { reaction: 'y', count: 2, mine: false },
      { reaction: 'x', count: 1, mine: true },
    ]);
    expect(summarise({ x: 1 })).toStrictEqual([{ reaction: 'x', count: 1 }]);
  });
});

describe('ReactionRefused', () => {
  it('carries its reason, its own name and a message saying why', () => {
    const missing = new ReactionRefused('no_message');
    expect([missing.name, missing.reason, missing.message]).toEqual([
      'ReactionRefused',
      'no_message',
      'no such message',
    ]);
    const full = new ReactionRefused('too_many_kinds');
    expect([full.name, full.reason, full.message]).toEqual([
      'ReactionRefused',
      'too_many_kinds',
      'too many distinct reactions',
    ]);
    expect(full).toBeInstanceOf(Error);
  });
});

describe('react: without workers (each change summarised at once)', () => {
  it('answers the caller with the counts and what is theirs, and tells everyone else', async () => {
    const { h, bob } = await room();
    const answer = await h.chat.react.execute(bob, { ...react('👍'), requestId: 'r1' });
    const counted = { type: 'reactions_updated', room: 'lobby', seq: 1 };
    expect(answer).toEqual({
      ...counted,
      requestId: 'r1',
      reactions: [{ reaction: '👍', count: 1, mine: true }],
    });
    expect(h.notifier.ofType('c-bob', 'reactions_updated')[0]).toEqual(answer);
    const summary = { ...counted, reactions: [{ reaction: '👍', count: 1 }] };
    expect(h.notifier.ofType('c-ada', 'reactions_updated')).toEqual([summary]);
    expect(h.notifier.ofType('c-cy', 'reactions_updated')).toEqual([summary]);
  });

  it('counts one of each reaction per user, most given first, and takes a reaction back', async () => {
    const { h, ada, bob, cy } = await room();
    await h.chat.react.execute(bob, react('👍'));
    await h.chat.react.execute(bob, react('👍'));
    await h.chat.react.execute(cy, react('🎉'));
    await h.chat.react.execute(ada, react('🎉'));
    const mine = await h.chat.react.execute(cy, react('👍'));
    expect(mine.reactions).toEqual([
      { reaction: '🎉', count: 2, mine: true },
      { reaction: '👍', count: 2, mine: true },
    ]);
    const off = await h.chat.react.execute(bob, react('👍', false));
    expect(off.reactions).toEqual([
      { reaction: '🎉', count: 2, mine: false },
      { reaction: '👍', count: 1, mine: false },
    ]);
  });

  it('shows each reader their own reactions in history and in a join’s catch-up; none on a deleted message', async () => {
    const { h, ada, bob } = await room();
    await h.chat.sendMessage.execute(ada, { action: 'sendMessage', room: 'lobby', text: 'second' });
    await h.chat.react.execute(bob, react('👍'));
    await h.chat.react.execute(ada, react('❤️'));
    const history = await h.chat.history.execute(bob, { action: 'history', target: { room: 'lobby' } });
    expect(history.messages[0]).toMatchObject({
      seq: 1,
      reactions: [
        { reaction: '❤️', count: 1, mine: false },
        { reaction: '👍', count: 1, mine: true },
      ],
    });
    expect(history.messages[1]).not.toHaveProperty('reactions');
    const joined = await h.chat.join.execute(ada, { action: 'join', room: 'lobby', since: 0 });
    expect(joined.missed?.[0]).toMatchObject({ reactions: [{ mine: true }, { mine: false }] });

    await h.chat.amend.execute(ada, { action: 'deleteMessage', target: { room: 'lobby' }, seq: 1 });
    const after = await h.chat.history.execute(bob, { action: 'history', target: { room: 'lobby' } });
    expect(after.messages[0]).not.toHaveProperty('reactions');
  });

  it('reacts in a direct conversation, for both of its users only', async () => {
    const { h, ada, bob } = await room();
    const sent = await h.chat.sendDirect.execute(ada, { action: 'sendDirect', to: 'bob', text: 'hi' });
    h.notifier.clear();
    const answer = await h.chat.react.execute(bob, {
      action: 'react',
      target: { with: 'ada' },
      seq: sent.message.seq,
      reaction: '👋',
      on: true,
    });
    expect(answer).toMatchObject({ users: ['ada', 'bob'], seq: sent.message.seq });
    expect(h.notifier.ofType('c-ada', 'reactions_updated')).toHaveLength(1);
    expect(h.notifier.ofType('c-cy', 'reactions_updated')).toHaveLength(0);
  });
});

describe('react: refusals', () => {
  it('refuses outside the room, a message that is not there, deleted or an edit entry, with the same words', async () => {
    const { h, ada, bob } = await room();
    const stranger: Caller = await h.connect('dee', 'c-dee');
    await h.chat.leave.execute(stranger, { action: 'leave', room: 'lobby' });
    await expect(h.chat.react.execute(stranger, react('👍'))).rejects.toMatchObject({ code: 'not_a_member' });

    await h.chat.amend.execute(ada, {
      action: 'editMessage',
      target: { room: 'lobby' },
      seq: 1,
      text: 'hey',
    });
    const refusals = await Promise.all(
      [7, 2].map((seq) => h.chat.react.execute(bob, react('👍', true, seq)).catch((error: unknown) => error)),
    );
    expect(refusals).toEqual([
      expect.objectContaining({ code: 'not_found', message: 'No message 7 to react to here' }),
      expect.objectContaining({ code: 'not_found', message: 'No message 2 to react to here' }),
    ]);
    // Someone else's direct conversation is never reached: `with` names the caller's own.
    const sent = await h.chat.sendDirect.execute(ada, { action: 'sendDirect', to: 'cy', text: 'psst' });
    await expect(
      h.chat.react.execute(bob, {
        action: 'react',
        target: { with: 'ada' },
        seq: sent.message.seq,
        reaction: '👀',
        on: true,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(h.notifier.ofType('c-ada', 'reactions_updated')).toEqual([]);
  });

  it('refuses a read-only user, who may still read the reactions of others', async () => {
    const { h, bob } = await room();
    const reader: Caller = { ...(await h.connect('rea', 'c-rea')), permissions: { role: 'readonly' } };
    await h.chat.react.execute(bob, react('👍'));
    await expect(h.chat.react.execute(reader, react('👍'))).rejects.toMatchObject({ code: 'forbidden' });
    const history = await h.chat.history.execute(reader, { action: 'history', target: { room: 'lobby' } });
    expect(history.messages[0]).toMatchObject({ reactions: [{ reaction: '👍', count: 1, mine: false }] });
  });

  it(`bounds a message to ${MAX_REACTION_KINDS} different reactions; one already there may still be given`, async () => {
    const { h, bob, cy } = await room();
    for (let i = 0; i < MAX_REACTION_KINDS; i += 1) await h.chat.react.execute(bob, react(`r${i}`));
    await expect(h.chat.react.execute(cy, react('one-more'))).rejects.toMatchObject({
      code: 'too_many_reactions',
      message: `Message 1 already has ${MAX_REACTION_KINDS} different reactions; add one of those instead`,
      details: { seq: 1, max: MAX_REACTION_KINDS },
    });
    expect((await h.chat.react.execute(cy, react('r0'))).reactions[0]).toEqual({
      reaction: 'r0',
      count: 2,
      mine: true,
    });
  });
});

describe('react: with workers, a burst costs one summary', () => {
  it('queues one delayed summary per window; the worker sends the counts as they then stand', async () => {
    const queue = new InMemoryFanOutQueue();
    const { h, ada, bob, cy } = await room({ queue });
    await h.chat.react.execute(bob, react('👍'));
    await h.chat.react.execute(cy, react('👍'));
    await h.chat.react.execute(ada, react('🎉'));
    await h.chat.react.execute(bob, react('👍', false));
    expect(queue.later).toEqual([
      {
        job: { reactionSummary: { conversation: { kind: 'room', room: 'lobby' }, seq: 1 } },
        delaySeconds: REACTION_SUMMARY_DELAY_SECONDS,
      },
    ]);
    // Only answers so far: nobody has been sent a summary.
    for (const connection of ['c-ada', 'c-bob', 'c-cy']) {
      const received = h.notifier.ofType(connection, 'reactions_updated');
      expect(received.filter((event) => event.requestId === undefined)).toEqual([]);
      expect(received.length).toBeGreaterThan(0);
    }

    const [delayed] = queue.later.splice(0);
    await h.chat.reactionSummary.execute(delayed!.job);
    const summary = {
      type: 'reactions_updated',
      room: 'lobby',
      seq: 1,
      reactions: [
        { reaction: '🎉', count: 1 },
        { reaction: '👍', count: 1 },
      ],
    };
    for (const connection of ['c-ada', 'c-bob', 'c-cy']) {
      expect(h.notifier.ofType(connection, 'reactions_updated').at(-1)).toEqual(summary);
    }
    // The window closed with that summary: the next change opens another.
    await h.chat.react.execute(cy, react('🎉'));
    expect(queue.later).toHaveLength(1);
  });

  it('sends the summary at once when the queue refuses it, so nothing is lost', async () => {
    const queue = new InMemoryFanOutQueue();
    const { h, bob } = await room({ queue });
    queue.failNext();
    await h.chat.react.execute(bob, react('👍'));
    expect(queue.later).toEqual([]);
    expect(h.notifier.ofType('c-ada', 'reactions_updated')).toEqual([
      { type: 'reactions_updated', room: 'lobby', seq: 1, reactions: [{ reaction: '👍', count: 1 }] },
    ]);
    expect(h.logger.withMessage('reaction summary not queued; sending it now')).toEqual([
      expect.objectContaining({ level: 'warn', fields: { seq: 1, error: expect.any(Error) } }),
    ]);
  });
});

describe('withReaderReactions', () => {
  const conversation = roomConversation('lobby');
  const message = (seq: number, reactions?: Record<string, number>): StoredMessage => ({
    conversation,
    messageId: `m${seq}`,
    from: { userId: 'ada', displayName: 'Ada' },
    text: `text ${seq}`,
    sentAt: seq,
    expiresAt: 9_999,
    seq,
    ...(reactions === undefined ? {} : { reactions }),
  });

  /** A reactions port whose reader gave 👍 to message 1; counts the reads of `mine`. */
  function port() {
    const reads: number[][] = [];
    const reactions: MessageReactionsPort = {
      react: async () => Promise.reject(new Error('not used')),
      takeSummary: async () => Promise.reject(new Error('not used')),
      mine: async (_conversation, _userId, seqs) => {
        reads.push([...seqs]);
        return new Map([[1, ['👍']]]);
      },
    };
    return { reactions, reads };
  }

  it('reads the reader’s reactions once, for the messages with a count above zero only', async () => {
    const { reactions, reads } = port();
    const page = [
      message(1, { '👍': 1, '❤️': 0 }),
      message(2),
      message(3, { '👀': 0 }),
      message(4, { '🎉': 2 }),
    ];

    const marked = await withReaderReactions(reactions, conversation, 'bob', page);

    expect(reads).toEqual([[1, 4]]);
    expect(marked).toStrictEqual([
      { ...page[0], myReactions: ['👍'] },
      page[1],
      { ...page[2], myReactions: [] },
      { ...page[3], myReactions: [] },
    ]);
  });

  it('reads nothing when no message on the page has a reaction left', async () => {
    const { reactions, reads } = port();
    const page = [message(1), message(2, { '👍': 0 })];

    const marked = await withReaderReactions(reactions, conversation, 'bob', page);

    expect(reads).toEqual([]);
    expect(marked).toBe(page);
  });
});
