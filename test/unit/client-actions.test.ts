// Unit: the protocol parser turns frames into typed actions or typed errors, never anything else.

import { describe, expect, it } from '@jest/globals';
import {
  ACTIONS,
  ChatError,
  decodeFrame,
  parseClientAction,
  parseClientMsgIdField,
  parseHistoryBounds,
  parseRoomField,
  parseRoomName,
  parseUserField,
  peekRequestId,
  USER_ID_RULE,
  type ErrorCode,
} from '../../src/domain/index.js';

function codeOf(fn: () => unknown): ErrorCode | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    if (error instanceof ChatError) return error.code;
    throw error;
  }
}

describe('decodeFrame', () => {
  it.each(['', '   ', '{', '{"action":', 'hello', "{'action':'ping'}"])(
    'refuses %j as invalid_json',
    (raw) => {
      expect(codeOf(() => decodeFrame(raw))).toBe('invalid_json');
    },
  );

  it('tells an empty frame from one that is not JSON', () => {
    for (const raw of ['', '   ', undefined, null]) {
      expect(errorOf(() => decodeFrame(raw)).message).toBe(
        'The frame is empty; send a JSON object with an "action" field',
      );
    }
    for (const raw of ['{', 'hello']) {
      expect(errorOf(() => decodeFrame(raw)).message).toBe('The frame is not valid JSON');
    }
  });

  it('refuses a missing body as invalid_json', () => {
    expect(codeOf(() => decodeFrame(undefined))).toBe('invalid_json');
    expect(codeOf(() => decodeFrame(null))).toBe('invalid_json');
  });

  it('decodes deeply nested JSON without failing', () => {
    const raw = '['.repeat(2000) + ']'.repeat(2000);
    expect(Array.isArray(decodeFrame(raw))).toBe(true);
  });
});

describe('parseClientAction', () => {
  it.each([null, [], [{ action: 'ping' }], 42, 'ping', true])('refuses a non-object frame %j', (body) => {
    expect(codeOf(() => parseClientAction(body))).toBe('invalid_request');
  });

  it('answers an unknown action with the list of valid actions', () => {
    try {
      parseClientAction({ action: 'dance' });
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(ChatError);
      const chatError = error as ChatError;
      expect(chatError.code).toBe('unknown_action');
      expect(chatError.details).toEqual({ validActions: [...ACTIONS] });
      for (const action of ACTIONS) expect(chatError.message).toContain(action);
    }
  });

  it('names a long unknown action by its first 64 characters only, and a missing one as missing', () => {
    const long = `x${'y'.repeat(200)}`;
    expect(errorOf(() => parseClientAction({ action: long })).message).toMatch(
      new RegExp(`^Unknown action "${long.slice(0, 64)}"; valid actions: `),
    );
    expect(errorOf(() => parseClientAction({})).message).toMatch(/^Unknown action missing; valid actions: /);
  });

  it('names the field of a bad member, and of a missing room, in the refusal', () => {
    const badMember = errorOf(() =>
      parseClientAction({ action: 'removeMember', room: 'general', member: 7 }),
    );
    expect(badMember.details).toMatchObject({ field: 'member' });
    expect(badMember.message).toContain('"member"');
    const noRoom = errorOf(() => parseRoomField(undefined, 'target'));
    expect(noRoom).toMatchObject({
      code: 'invalid_room',
      message: '"target" is required',
      details: { field: 'target' },
    });
  });

  it('is a ChatError by name too, for logs that only print the name', () => {
    expect(errorOf(() => parseClientAction({ action: 'dance' })).name).toBe('ChatError');
  });

  it.each([
    {},
    { action: 5 },
    { action: null },
    { action: ['join'] },
    { action: 'JOIN' },
    { action: '$default' },
  ])('treats %j as an unknown action', (body) => {
    expect(codeOf(() => parseClientAction(body))).toBe('unknown_action');
  });

  it('parses every action in its minimal valid form', () => {
    const minimal: Record<string, object> = {
      join: { room: 'general' },
      leave: { room: 'general' },
      sendMessage: { text: 'hi' },
      sendDirect: { to: 'bob', text: 'hi' },
      history: { room: 'general' },
      presence: { room: 'general' },
      typing: { room: 'general' },
      roomReaction: { room: 'general', reaction: '👍' },
      setStatus: { status: 'away' },
      markRead: { room: 'general', seq: 0 },
      editMessage: { room: 'general', seq: 1, text: 'fixed' },
      deleteMessage: { with: 'bob', seq: 1 },
      react: { room: 'general', seq: 1, reaction: '👍' },
      unread: {},
      ping: {},
      whoami: {},
      removeMember: { room: 'general', member: 'bob' },
    };
    for (const action of ACTIONS) {
      expect(parseClientAction({ action, ...minimal[action] }).action).toBe(action);
    }
  });

  it('accepts the classic walkthrough frame with data as the text and no room', () => {
    expect(parseClientAction(decodeFrame('{"action":"sendMessage","data":"hello world"}'))).toEqual({
      action: 'sendMessage',
      text: 'hello world',
    });
  });

  it('prefers text over data when both are present', () => {
    expect(parseClientAction({ action: 'sendMessage', text: 'a', data: 'b' })).toMatchObject({ text: 'a' });
  });

  it('never carries identity fields from the body into the action', () => {
    const action = parseClientAction({
      action: 'sendMessage',
      room: 'general',
      text: 'hi',
      from: 'mallory',
      sender: 'mallory',
      userId: 'mallory',
      displayName: 'Mallory',
    });
    expect(action).toEqual({ action: 'sendMessage', room: 'general', text: 'hi' });
  });

  it('ignores __proto__ and constructor keys and does not pollute prototypes', () => {
    const body = JSON.parse(
      '{"action":"join","room":"general","__proto__":{"polluted":true},"constructor":{"x":1}}',
    );
    expect(parseClientAction(body)).toEqual({ action: 'join', room: 'general' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('does not read fields inherited through __proto__', () => {
    const body = JSON.parse('{"action":"join","__proto__":{"room":"general"}}');
    expect(codeOf(() => parseClientAction(body))).toBe('invalid_room');
  });

  it.each<[string, object, ErrorCode, string]>([
    ['missing room', { action: 'join' }, 'invalid_room', 'room'],
    ['room with a slash', { action: 'join', room: 'a/b' }, 'invalid_room', 'room'],
    ['room with a hash', { action: 'join', room: 'a#b' }, 'invalid_room', 'room'],
    ['room with a control character', { action: 'join', room: 'a\u0000b' }, 'invalid_room', 'room'],
    ['room starting with a dot', { action: 'join', room: '.hidden' }, 'invalid_room', 'room'],
    ['room of 65 characters', { action: 'join', room: 'r'.repeat(65) }, 'invalid_room', 'room'],
    ['room of 10 KB', { action: 'join', room: 'r'.repeat(10_240) }, 'invalid_room', 'room'],
    ['numeric room', { action: 'join', room: 7 }, 'invalid_room', 'room'],
    ['negative since', { action: 'join', room: 'general', since: -1 }, 'invalid_request', 'since'],
    ['fractional since', { action: 'join', room: 'general', since: 1.5 }, 'invalid_request', 'since'],
    ['string since', { action: 'join', room: 'general', since: '3' }, 'invalid_request', 'since'],
    ['missing text', { action: 'sendMessage', room: 'general' }, 'invalid_request', 'text'],
    ['empty text', { action: 'sendMessage', text: '' }, 'invalid_request', 'text'],
    ['whitespace-only text', { action: 'sendMessage', text: ' \n\t ' }, 'invalid_request', 'text'],
    ['numeric text', { action: 'sendMessage', text: 42 }, 'invalid_request', 'text'],
    ['object text', { action: 'sendMessage', text: { a: 1 } }, 'invalid_request', 'text'],
    ['lone high surrogate', { action: 'sendMessage', text: 'a\uD800b' }, 'invalid_request', 'text'],
    ['lone low surrogate', { action: 'sendMessage', text: '\uDC00' }, 'invalid_request', 'text'],
    ['invalid room on send', { action: 'sendMessage', room: '', text: 'hi' }, 'invalid_room', 'room'],
    [
      'clientMsgId with spaces',
      { action: 'sendMessage', text: 'hi', clientMsgId: 'a b' },
      'invalid_request',
      'clientMsgId',
    ],
    [
      'clientMsgId too long',
      { action: 'sendMessage', text: 'hi', clientMsgId: 'x'.repeat(65) },
      'invalid_request',
      'clientMsgId',
    ],
    [
      'numeric clientMsgId',
      { action: 'sendMessage', text: 'hi', clientMsgId: 1 },
      'invalid_request',
      'clientMsgId',
    ],
    ['missing recipient', { action: 'sendDirect', text: 'hi' }, 'invalid_user', 'to'],
    ['recipient with a hash', { action: 'sendDirect', to: 'a#b', text: 'hi' }, 'invalid_user', 'to'],
    ['history without target', { action: 'history' }, 'invalid_request', 'room'],
    [
      'history with both targets',
      { action: 'history', room: 'general', with: 'bob' },
      'invalid_request',
      'room',
    ],
    ['history limit zero', { action: 'history', room: 'general', limit: 0 }, 'invalid_request', 'limit'],
    [
      'history limit as string',
      { action: 'history', room: 'general', limit: '10' },
      'invalid_request',
      'limit',
    ],
    [
      'history with empty range',
      { action: 'history', room: 'general', after: 5, before: 6 },
      'invalid_request',
      'before',
    ],
    ['history with invalid peer', { action: 'history', with: '' }, 'invalid_user', 'with'],
    [
      'typing with a string flag',
      { action: 'typing', room: 'general', isTyping: 'yes' },
      'invalid_request',
      'isTyping',
    ],
    ['requestId with spaces', { action: 'ping', requestId: 'a b' }, 'invalid_request', 'requestId'],
    ['numeric requestId', { action: 'ping', requestId: 7 }, 'invalid_request', 'requestId'],
  ])('refuses %s, naming the field in details.field', (_label, body, code, field) => {
    const error = errorOf(() => parseClientAction(body));
    expect([error.code, error.details]).toEqual([code, { field }]);
    // The message names the field and ends on what it must be, not on a dangling "must be".
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).toMatch(/\S$/);
    expect(error.message).not.toMatch(/(must be|:)$/);
  });

  it('keeps a well-formed requestId on the action and can peek it from a bad frame', () => {
    expect(parseClientAction({ action: 'ping', requestId: 'r-1' })).toEqual({
      action: 'ping',
      requestId: 'r-1',
    });
    expect(peekRequestId({ action: 'join', room: 'bad/room', requestId: 'r-2' })).toBe('r-2');
    expect(peekRequestId({ requestId: 'has space' })).toBeUndefined();
    expect(peekRequestId('not an object')).toBeUndefined();
  });

  it('parses history targets and bounds', () => {
    expect(parseClientAction({ action: 'history', with: 'bob', before: 10, limit: 5 })).toEqual({
      action: 'history',
      target: { with: 'bob' },
      before: 10,
      limit: 5,
    });
  });

  it('defaults typing to true', () => {
    expect(parseClientAction({ action: 'typing', room: 'general' })).toMatchObject({ isTyping: true });
  });
});

describe('a text frame, as the message function reads it', () => {
  it('is decoded, then parsed as the action it names, whatever route it came by', () => {
    expect(parseClientAction(decodeFrame('{"action":"join","room":"general"}'))).toEqual({
      action: 'join',
      room: 'general',
    });
    expect(codeOf(() => parseClientAction(decodeFrame('[]')))).toBe('invalid_request');
    expect(codeOf(() => parseClientAction(decodeFrame('{"action":"other","room":"general"}')))).toBe(
      'unknown_action',
    );
  });
});

function errorOf(fn: () => unknown): ChatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected a ChatError');
}

describe('the field rules both edges share', () => {
  it('names the field in details for every refused field', () => {
    expect(errorOf(() => parseRoomField('a/b')).details).toEqual({ field: 'room' });
    expect(errorOf(() => parseRoomField(undefined)).details).toEqual({ field: 'room' });
    expect(errorOf(() => parseUserField('a b', 'user')).details).toEqual({ field: 'user' });
    expect(errorOf(() => parseClientMsgIdField('a b')).details).toEqual({ field: 'clientMsgId' });
    expect(errorOf(() => parseHistoryBounds({ limit: 0 })).details).toEqual({ field: 'limit' });
    expect(errorOf(() => parseHistoryBounds({ after: 5, before: 6 })).details).toEqual({ field: 'before' });
  });

  it('reads a room name as the model checks it, saying what one is when refusing it', () => {
    expect(parseRoomName('team-1.ops')).toBe('team-1.ops');
    const refused = errorOf(() => parseRoomName('-team'));
    expect([refused.code, refused.message]).toEqual([
      'invalid_room',
      'A room name is 1-64 characters: a letter or digit, then letters, digits, "_", "." or "-"',
    ]);
  });

  it('states the user id rule as the pattern has it: "|" is allowed, "#" and spaces are not', () => {
    expect(parseUserField('auth0|grace', 'to')).toBe('auth0|grace');
    const refused = errorOf(() => parseUserField('ada lovelace', 'to'));
    expect(refused.code).toBe('invalid_user');
    expect(refused.message).toBe(`"to" must be a user id: ${USER_ID_RULE}`);
    expect(codeOf(() => parseUserField('a#b', 'to'))).toBe('invalid_user');
    expect(codeOf(() => parseUserField('x'.repeat(129), 'to'))).toBe('invalid_user');
  });

  it('gives a frame the same error a direct call gives', () => {
    const frame = errorOf(() => parseClientAction({ action: 'history', room: 'general', limit: 0 }));
    const direct = errorOf(() => parseHistoryBounds({ limit: 0 }));
    expect([frame.code, frame.message, frame.details]).toEqual([direct.code, direct.message, direct.details]);
    const send = errorOf(() => parseClientAction({ action: 'sendDirect', to: 'a b', text: 'hi' }));
    expect(send.message).toBe(errorOf(() => parseUserField('a b', 'to')).message);
  });

  it('keeps the bounds it was given, and only those', () => {
    expect(parseHistoryBounds({})).toEqual({});
    expect(parseHistoryBounds({ after: 0, before: 2, limit: 1 })).toEqual({ after: 0, before: 2, limit: 1 });
  });
});

describe('what each refusal says', () => {
  it.each<[string, unknown, string]>([
    ['a frame that is not an object', [], 'A frame must be a JSON object with an "action" field'],
    [
      '"on" that is not a boolean',
      { action: 'react', room: 'g', seq: 1, reaction: '👍', on: 1 },
      '"on" must be a boolean',
    ],
    ['markRead without seq', { action: 'markRead', room: 'g' }, '"seq" must be a non-negative integer'],
    [
      'an unknown status',
      { action: 'setStatus', status: 'asleep' },
      '"status" must be one of available, away, busy',
    ],
    [
      'a status text that is not a string',
      { action: 'setStatus', status: 'away', text: 5 },
      '"text" must be a string of at most 100 characters',
    ],
    [
      'a message seq of 0',
      { action: 'deleteMessage', room: 'g', seq: 0 },
      '"seq" must be a positive integer',
    ],
    [
      'a reaction with a space',
      { action: 'roomReaction', room: 'g', reaction: 'two words' },
      '"reaction" must be 1-16 characters (an emoji or a short name), no spaces or control characters',
    ],
    [
      'a negative "after"',
      { action: 'history', room: 'g', after: -1 },
      '"after" must be a non-negative integer',
    ],
    [
      'a fractional "before"',
      { action: 'history', room: 'g', before: 2.5 },
      '"before" must be a non-negative integer',
    ],
  ])('refuses %s with a message naming the field and what it must be', (_label, body, message) => {
    expect(errorOf(() => parseClientAction(body)).message).toBe(message);
  });

  it('says the action is missing when a frame names none', () => {
    expect(errorOf(() => parseClientAction({ room: 'g' })).message).toMatch(
      /^Unknown action missing; valid actions: join, /,
    );
    expect(errorOf(() => parseClientAction({ action: 'dance' })).message).toMatch(
      /^Unknown action "dance"; /,
    );
  });

  it('names "after" and "before" in details when the history bounds themselves are malformed', () => {
    expect(errorOf(() => parseHistoryBounds({ after: -1 })).details).toEqual({ field: 'after' });
    expect(errorOf(() => parseHistoryBounds({ before: '9' })).details).toEqual({ field: 'before' });
  });
});

describe('fields the parser carries over', () => {
  it('keeps a direct message’s clientMsgId and refuses a malformed one', () => {
    expect(parseClientAction({ action: 'sendDirect', to: 'bob', text: 'hi', clientMsgId: 'dm-1' })).toEqual({
      action: 'sendDirect',
      to: 'bob',
      text: 'hi',
      clientMsgId: 'dm-1',
    });
    expect(
      errorOf(() => parseClientAction({ action: 'sendDirect', to: 'bob', text: 'hi', clientMsgId: 'a b' }))
        .details,
    ).toEqual({ field: 'clientMsgId' });
  });

  it('accepts a status text of exactly 100 code points and refuses 101, counting an emoji as one', () => {
    const text = '😀'.repeat(100);
    expect(parseClientAction({ action: 'setStatus', status: 'away', text })).toMatchObject({ text });
    expect(
      errorOf(() => parseClientAction({ action: 'setStatus', status: 'away', text: `${text}a` })).details,
    ).toEqual({
      field: 'text',
    });
  });
});
