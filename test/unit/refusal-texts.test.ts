// Unit: what each refusal of a client frame tells the client (code, message and details), and where the
// size rules draw their line.

import { describe, expect, it } from '@jest/globals';
import { ChatError, chatPolicy, encodedSize, type RoomMessageEvent } from '../../src/domain/index.js';
import { checkFrameSize, checkTextLength } from '../../src/domain/use-cases/message-rules.js';
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
    const cases = [
      [
        h.chat.sendMessage.execute(ada, { action: 'sendMessage', room: 'den', text: 'hi' }),
        'before sending to it',
      ],
      [h.chat.history.execute(ada, { action: 'history', target: { room: 'den' } }), 'to read its history'],
      [h.chat.typing.execute(ada, { action: 'typing', room: 'den', isTyping: true }), 'before typing in it'],
    ] as const;
    for (const [work, toDo] of cases) {
      const refused = await refusalOf(work);
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
