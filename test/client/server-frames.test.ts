// Client SDK: incoming frames become typed server events only when they carry what the SDK relies on.

import { describe, expect, it } from '@jest/globals';
import { parseServerFrame } from '../../src/client/index.js';

const ada = { userId: 'ada', displayName: 'Ada' };
const text = (frame: object) => JSON.stringify(frame);

describe('parseServerFrame', () => {
  it.each([
    { type: 'message', room: 'general', seq: 3, messageId: 'm3', from: ada, text: 'hi', sentAt: 1 },
    { type: 'direct', to: 'bob', seq: 1, messageId: 'm1', from: ada, text: 'hi', sentAt: 1 },
    { type: 'ack', seq: 3, messageId: 'm3', sentAt: 1, duplicate: false, requestId: 'r1' },
    { type: 'joined', room: 'general', members: [], truncated: false },
    { type: 'member_joined', room: 'general', user: ada },
    { type: 'member_left', room: 'general', user: ada },
    { type: 'typing', room: 'general', user: ada, isTyping: true },
    { type: 'history', room: 'general', messages: [], hasMore: false },
    { type: 'pong', serverTime: 5 },
    { type: 'whoami', connectionId: 'c1', user: ada },
    { type: 'error', code: 'not_a_member', message: 'join first' },
  ])('reads a well-formed $type event', (frame) => {
    expect(parseServerFrame(text(frame))).toEqual(frame);
  });

  it.each([
    ['a frame that is not text', new Uint8Array([123, 125])],
    ['text that is not JSON', '{"type":'],
    ['JSON that is not an object', '[{"type":"pong","serverTime":1}]'],
    ['an unknown type', text({ type: 'dance' })],
    ['an inherited type name', text({ type: 'toString' })],
    ['a message without its room', text({ type: 'message', seq: 1, from: ada })],
    ['a message with a string seq', text({ type: 'message', room: 'general', seq: '1', from: ada })],
    ['a member change without its user', text({ type: 'member_joined', room: 'general' })],
    ['an error without a code', text({ type: 'error', message: 'x' })],
  ])('ignores %s', (_label, data) => {
    expect(parseServerFrame(data)).toBeUndefined();
  });

  it('narrows on the type', () => {
    const event = parseServerFrame(text({ type: 'member_left', room: 'general', user: ada }));
    if (event?.type !== 'member_left') throw new Error('expected member_left');
    expect(event.user.displayName).toBe('Ada');
  });
});
