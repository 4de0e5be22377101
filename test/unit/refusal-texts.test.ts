// Unit: what each refusal of a client frame tells the client (code, message and details), and where the
// size rules draw their line.

import { describe, expect, it } from '@jest/globals';
import {
  ChatError,
  chatPolicy,
  createChat,
  encodedSize,
  type Caller,
  type RoomMessageEvent,
} from '../../src/domain/index.js';
import { checkFrameSize, checkTextLength } from '../../src/domain/use-cases/message-rules.js';
import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { InMemoryMessageLog } from '../fakes/in-memory-message-log.js';
import { InMemoryRoomMembership } from '../fakes/in-memory-room-membership.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';
import { RecordingNotifier } from '../fakes/recording-notifier.js';
import { SequentialIds } from '../fakes/sequential-ids.js';
import { chatHarness } from '../support/chat-harness.js';

async function refusalOf(work: Promise<unknown>): Promise<ChatError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function refusalNow(work: () => void): ChatError {
  try {
    work();
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('refusals of client frames', () => {
  it('says a room is needed when the service has no lobby, naming the field', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const ada = await h.connect('ada', 'c-ada');
    const refused = await refusalOf(h.chat.sendMessage.execute(ada, { action: 'sendMessage', text: 'hi' }));
    expect([refused.code, refused.message, refused.details]).toEqual([
      'invalid_room',
      '"room" is required: this service has no lobby',
      { field: 'room' },
    ]);
  });

  it('tells a non-member which room to join, and for what', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    const moderator = await h.connect('mo', 'c-mo', 'Mo', { role: 'moderator' });
    const cases = [
      [
        () => h.chat.sendMessage.execute(ada, { action: 'sendMessage', room: 'den', text: 'hi' }),
        'before sending to it',
      ],
      [
        () => h.chat.history.execute(ada, { action: 'history', target: { room: 'den' } }),
        'to read its history',
      ],
      [
        () => h.chat.typing.execute(ada, { action: 'typing', room: 'den', isTyping: true }),
        'before typing in it',
      ],
      [
        () => h.chat.amend.execute(ada, { action: 'deleteMessage', target: { room: 'den' }, seq: 1 }),
        'to change its messages',
      ],
      [
        () => h.chat.markRead.execute(ada, { action: 'markRead', target: { room: 'den' }, seq: 1 }),
        'to mark it read',
      ],
      [
        () =>
          h.chat.react.execute(ada, {
            action: 'react',
            target: { room: 'den' },
            seq: 1,
            reaction: '👍',
            on: true,
          }),
        'to react to its messages',
      ],
      [
        () => h.chat.roomReaction.execute(ada, { action: 'roomReaction', room: 'den', reaction: '👍' }),
        'to react in it',
      ],
      [() => h.chat.presence.execute(ada, { action: 'presence', room: 'den' }), 'to see who is in it'],
      [
        () => h.chat.removeMember.execute(moderator, { action: 'removeMember', room: 'den', member: 'ada' }),
        'to remove its members',
      ],
    ] as const;
    for (const [work, toDo] of cases) {
      const refused = await refusalOf(work());
      expect([refused.code, refused.message, refused.details]).toEqual([
        'not_a_member',
        `Join "den" ${toDo}`,
        { room: 'den' },
      ]);
    }
  });

  it('refuses text one code point past the limit, saying the limit', () => {
    const policy = chatPolicy({ maxTextChars: 3 });
    expect(() => checkTextLength('abc', policy)).not.toThrow();
    expect(() => checkTextLength('ab😀', policy)).not.toThrow();
    const refused = refusalNow(() => checkTextLength('abcd', policy));
    expect([refused.code, refused.message, refused.details]).toEqual([
      'message_too_large',
      'The text is longer than 3 characters',
      { maxTextChars: 3 },
    ]);
  });

  it('refuses an event one byte past the frame limit, measured with the largest sequence number', () => {
    const event: RoomMessageEvent = {
      type: 'message',
      room: 'den',
      seq: 1,
      messageId: 'm-1',
      from: { userId: 'ada', displayName: 'Ada' },
      text: 'hello',
      sentAt: 1,
    };
    const size = encodedSize({ ...event, seq: Number.MAX_SAFE_INTEGER });
    expect(() => checkFrameSize(event, chatPolicy({ maxFrameBytes: size }))).not.toThrow();
    const refused = refusalNow(() => checkFrameSize(event, chatPolicy({ maxFrameBytes: size - 1 })));
    expect([refused.code, refused.message, refused.details]).toEqual([
      'message_too_large',
      `The message would be ${size} bytes on the wire; the limit is ${size - 1}`,
      { bytes: size, maxFrameBytes: size - 1 },
    ]);
  });
});

describe('refusals that name the act, the message or the room', () => {
  it('tells a read-only user which act is not theirs', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    await h.chat.sendMessage.execute(ada, { action: 'sendMessage', room: 'lobby', text: 'hi' });
    const reader = await h.connect('rae', 'c-rae', 'Rae', { role: 'readonly' });
    const cases = [
      [
        () => h.chat.sendMessage.execute(reader, { action: 'sendMessage', room: 'lobby', text: 'x' }),
        'send messages',
      ],
      [
        () => h.chat.sendDirect.execute(reader, { action: 'sendDirect', to: 'ada', text: 'x' }),
        'send messages',
      ],
      [
        () =>
          h.chat.amend.execute(reader, {
            action: 'editMessage',
            target: { room: 'lobby' },
            seq: 1,
            text: 'x',
          }),
        'edit messages',
      ],
      [
        () => h.chat.amend.execute(reader, { action: 'deleteMessage', target: { room: 'lobby' }, seq: 1 }),
        'delete messages',
      ],
      [
        () => h.chat.typing.execute(reader, { action: 'typing', room: 'lobby', isTyping: true }),
        'type in a room',
      ],
      [
        () => h.chat.roomReaction.execute(reader, { action: 'roomReaction', room: 'lobby', reaction: '👍' }),
        'react',
      ],
      [
        () =>
          h.chat.react.execute(reader, {
            action: 'react',
            target: { room: 'lobby' },
            seq: 1,
            reaction: '👍',
            on: true,
          }),
        'react to messages',
      ],
    ] as const;
    for (const [work, what] of cases) {
      const refused = await refusalOf(work());
      expect([refused.code, refused.message, refused.details]).toEqual([
        'forbidden',
        `A read-only user may not ${what}`,
        undefined,
      ]);
    }
  });

  it('names the message that cannot be changed, and why', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.sendMessage.execute(ada, { action: 'sendMessage', room: 'lobby', text: 'hi' });

    const missing = await refusalOf(
      h.chat.amend.execute(ada, { action: 'editMessage', target: { room: 'lobby' }, seq: 7, text: 'x' }),
    );
    const notTheirs = await refusalOf(
      h.chat.amend.execute(bob, { action: 'deleteMessage', target: { room: 'lobby' }, seq: 1 }),
    );
    const noReactionTarget = await refusalOf(
      h.chat.react.execute(bob, {
        action: 'react',
        target: { room: 'lobby' },
        seq: 7,
        reaction: '👍',
        on: true,
      }),
    );

    expect([missing.code, missing.message, missing.details]).toEqual([
      'not_found',
      'No message 7 to change here',
      { seq: 7 },
    ]);
    expect([notTheirs.code, notTheirs.message, notTheirs.details]).toEqual([
      'forbidden',
      'Only the sender of a message may change it',
      { seq: 1 },
    ]);
    expect([noReactionTarget.code, noReactionTarget.message, noReactionTarget.details]).toEqual([
      'not_found',
      'No message 7 to react to here',
      { seq: 7 },
    ]);
  });

  it('names the room a caller may not enter or act in', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada', 'Ada', { rooms: ['lobby', 'team-*'] });
    await h.bans.ban('team-red', 'ada');

    const outside = await refusalOf(h.chat.join.execute(ada, { action: 'join', room: 'general' }));
    const banned = await refusalOf(h.chat.join.execute(ada, { action: 'join', room: 'team-red' }));
    const notModerator = await refusalOf(
      h.chat.removeMember.execute(ada, { action: 'removeMember', room: 'lobby', member: 'bob' }),
    );

    expect([outside.code, outside.message, outside.details]).toEqual([
      'forbidden',
      'You may not enter "general"',
      { room: 'general' },
    ]);
    expect([banned.code, banned.message, banned.details]).toEqual([
      'forbidden',
      'You are banned from "team-red"',
      { room: 'team-red' },
    ]);
    expect([notModerator.code, notModerator.message, notModerator.details]).toEqual([
      'forbidden',
      'Only moderators may remove members',
      { room: 'lobby' },
    ]);
  });

  it('says which store a chat assembled without one does not keep', async () => {
    const clock = new ManualClock();
    const chat = createChat(
      {
        connections: new InMemoryConnectionRegistry(clock),
        memberships: new InMemoryRoomMembership(clock),
        messages: new InMemoryMessageLog(clock),
        notifier: new RecordingNotifier(),
        clock,
        ids: new SequentialIds(),
        logger: new RecordingLogger(),
      },
      chatPolicy(),
    );
    const identity = { userId: 'ada', displayName: 'Ada' };
    await chat.connect.execute({ connectionId: 'c-ada', identity, connectedAt: clock.now() });
    const ada: Caller = { connectionId: 'c-ada', identity, connectedAt: clock.now() };

    const refusals = [
      await refusalOf(chat.unread.execute(ada, { action: 'unread' })),
      await refusalOf(chat.markRead.execute(ada, { action: 'markRead', target: { with: 'bob' }, seq: 1 })),
      await refusalOf(
        chat.react.execute(ada, {
          action: 'react',
          target: { with: 'bob' },
          seq: 1,
          reaction: '👍',
          on: true,
        }),
      ),
    ];

    expect(refusals.map((refused) => [refused.code, refused.message])).toEqual([
      ['unavailable', 'Read state is not kept by this service'],
      ['unavailable', 'Read state is not kept by this service'],
      ['unavailable', 'This service does not keep message reactions'],
    ]);
    // The ban routes answer 503 unavailable, not a 500, on a chat without a ban store.
    for (const refused of [chat.backend.bans.ban('lobby', 'bob'), chat.backend.bans.unban('lobby', 'bob')]) {
      await expect(refused).rejects.toMatchObject({
        code: 'unavailable',
        message: 'This chat keeps no bans',
      });
      await expect(refused).rejects.toBeInstanceOf(ChatError);
    }
  });
});
