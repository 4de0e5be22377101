// Architecture: the schemas of docs/asyncapi.json agree with the domain's parser. Frames
// `parseClientAction` accepts validate and frames it refuses do not (property-based, over frames built
// from valid, malformed and wrongly typed fields), and every refusal's error frame validates too.

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  ACTIONS,
  DEFAULT_CHAT_POLICY,
  isChatError,
  parseClientAction,
  peekRequestId,
  toErrorEvent,
  type ChatError,
} from '../../src/domain/index.js';
import { checkTextLength } from '../../src/domain/use-cases/message-rules.js';
import { connectionParameter } from '../../src/handlers/http/api-route.js';
import type { HttpEvent } from '../../src/handlers/http/http-event.js';
import { CONNECTION_ID_PATTERN } from '../../src/protocol-schema/field-schemas.js';
import { clientFrameProblem, serverFrameProblem } from '../support/protocol-documents.js';

/** Values of every JSON type that fit no field, or fit one field but not the next. */
const STRAYS = [null, [], {}, true, 0, -3, 'x', '1'];

/** Valid and malformed values of each field a client frame may carry. */
const FIELDS = {
  room: {
    valid: ['general', 'a', 'Z9', 'x.y_z-1', 'r'.repeat(64)],
    malformed: ['', '-x', '.x', 'a b', 'r'.repeat(65), 'é', 'a#b'],
  },
  user: {
    valid: ['auth0|ada', 'system', 'a', 'u@x.io', 'u'.repeat(128)],
    malformed: ['', 'a#b', 'a b', 'u'.repeat(129), 'é'],
  },
  text: {
    valid: ['hi', ' hello ', '😀', 'a\nb', '\uD83D\uDE00 x', 'x'.repeat(DEFAULT_CHAT_POLICY.maxTextChars)],
    malformed: ['', '   ', '\n\t', '\u00a0', '\u2028', '\ufeff', '\uD800', 'a\uDC00b'],
  },
  clientMsgId: { valid: ['c-1', 'A.b:c_d', 'x'.repeat(64)], malformed: ['', 'a b', 'x'.repeat(65), 'é'] },
  requestId: { valid: ['r-1', '!~', 'x'.repeat(64)], malformed: ['', 'a b', 'x'.repeat(65), 'é', '\t'] },
  sequence: { valid: [0, 1, 41, Number.MAX_SAFE_INTEGER], malformed: [-1, 1.5, 2 ** 53, '1'] },
  limit: { valid: [1, 50, 1000], malformed: [0, -1, 2.5, '10'] },
  flag: { valid: [true, false], malformed: ['true', 1] },
  reaction: { valid: ['👏', '👨‍👩‍👧', 'clap', '+1'], malformed: ['', 'a b', 'x'.repeat(17), '\u0007', '\uD800'] },
  status: { valid: ['available', 'away', 'busy'], malformed: ['', 'Away', 'sleeping'] },
} as const;

type Pool = (typeof FIELDS)[keyof typeof FIELDS];

/** Absent, valid, malformed or a stray value, valid the most often, so that whole frames are often valid. */
function field(pool: Pool): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.constantFrom<unknown>(...pool.valid) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(...pool.malformed) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(...STRAYS) },
  );
}

const frames = fc
  .record({
    action: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom<unknown>(...ACTIONS) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>('nope', 'Join', 'constructor', 5, null, undefined) },
    ),
    room: field(FIELDS.room),
    since: field(FIELDS.sequence),
    text: field(FIELDS.text),
    data: field(FIELDS.text),
    clientMsgId: field(FIELDS.clientMsgId),
    to: field(FIELDS.user),
    with: field(FIELDS.user),
    after: field(FIELDS.sequence),
    before: field(FIELDS.sequence),
    limit: field(FIELDS.limit),
    isTyping: field(FIELDS.flag),
    seq: field(FIELDS.sequence),
    reaction: field(FIELDS.reaction),
    status: field(FIELDS.status),
    requestId: field(FIELDS.requestId),
    from: fc.constantFrom<unknown>(undefined, 'someone-else'),
  })
  .map((frame) => Object.fromEntries(Object.entries(frame).filter(([, value]) => value !== undefined)));

function parsed(frame: unknown): 'accepted' | ChatError {
  try {
    parseClientAction(frame);
    return 'accepted';
  } catch (error) {
    if (isChatError(error)) return error;
    throw error;
  }
}

/** The one rule between two fields a schema does not state: `before` must exceed `after` + 1. */
function breaksHistoryBounds(frame: Record<string, unknown>): boolean {
  const { after, before } = frame;
  return (
    frame['action'] === 'history' &&
    Number.isSafeInteger(after) &&
    Number.isSafeInteger(before) &&
    (before as number) <= (after as number) + 1
  );
}

describe('the client action schemas', () => {
  it('accept exactly the frames the parser accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(frames, (frame) => {
        fc.pre(!breaksHistoryBounds(frame));
        const verdict = parsed(frame);
        const problem = clientFrameProblem(frame);
        if (verdict === 'accepted') {
          accepted += 1;
          expect(problem).toBeUndefined();
        } else
          expect({ refusal: verdict.message, problem }).toEqual({
            refusal: verdict.message,
            problem: expect.any(String),
          });
      }),
      { numRuns: 3_000 },
    );
    // The property means little unless both verdicts came up often.
    expect(accepted).toBeGreaterThan(300);
    expect(accepted).toBeLessThan(2_700);
  });

  it('describe the error frame of every refusal', () => {
    fc.assert(
      fc.property(frames, (frame) => {
        const verdict = parsed(frame);
        fc.pre(verdict !== 'accepted');
        const event = JSON.parse(JSON.stringify(toErrorEvent(verdict, peekRequestId(frame)))) as unknown;
        expect(serverFrameProblem(event)).toBeUndefined();
      }),
      { numRuns: 1_000 },
    );
  });

  it.each([
    ['a non-object', ['join']],
    ['no action', { room: 'general' }],
    ['a join without a room', { action: 'join' }],
    ['a room of the wrong type', { action: 'leave', room: 7 }],
    ['a negative since', { action: 'join', room: 'general', since: -1 }],
    ['a send without text', { action: 'sendMessage', room: 'general' }],
    ['a blank text', { action: 'sendMessage', room: 'general', text: ' ' }],
    ['a direct message without a recipient', { action: 'sendDirect', text: 'hi' }],
    ['a history of a room and a user at once', { action: 'history', room: 'general', with: 'auth0|ada' }],
    ['a history of neither', { action: 'history' }],
    ['a limit of 0', { action: 'history', room: 'general', limit: 0 }],
    ['isTyping as a string', { action: 'typing', room: 'general', isTyping: 'yes' }],
    ['a requestId with a space', { action: 'ping', requestId: 'a b' }],
  ])('refuse %s, as the parser does', (_label, frame) => {
    expect(parsed(frame)).not.toBe('accepted');
    expect(clientFrameProblem(frame)).toEqual(expect.any(String));
  });

  it('take the text of the walkthrough from `data`, as the parser does', () => {
    for (const frame of [
      { action: 'sendMessage', data: 'hello world' },
      { action: 'sendMessage', text: null, data: 'hello world' },
      { action: 'sendMessage', text: 'hello', data: 5 },
    ]) {
      expect(parsed(frame)).toBe('accepted');
      expect(clientFrameProblem(frame)).toBeUndefined();
    }
  });

  it('limit the text as the policy does, in code points', () => {
    const room = 'general';
    const longest = '😀'.repeat(DEFAULT_CHAT_POLICY.maxTextChars);
    expect(() => checkTextLength(longest, DEFAULT_CHAT_POLICY)).not.toThrow();
    expect(clientFrameProblem({ action: 'sendMessage', room, text: longest })).toBeUndefined();
    const tooLong = `${longest}x`;
    expect(() => checkTextLength(tooLong, DEFAULT_CHAT_POLICY)).toThrow(/longer than/);
    expect(clientFrameProblem({ action: 'sendMessage', room, text: tooLong })).toMatch(/text/);
  });
});

describe('the backend API schemas', () => {
  const withConnection = (connectionId: string) =>
    ({ pathParameters: { connectionId } }) as unknown as HttpEvent;

  it('take the connection ids the kick route takes', () => {
    for (const id of [
      'L0SM9cOFvHcCIhw=',
      'a',
      'a-b_c=',
      'x'.repeat(128),
      'x'.repeat(129),
      'a/b',
      'a b',
      '',
    ]) {
      const taken = (() => {
        try {
          connectionParameter(withConnection(id));
          return true;
        } catch {
          return false;
        }
      })();
      expect({ id, taken: CONNECTION_ID_PATTERN.test(id) }).toEqual({ id, taken });
    }
  });
});
