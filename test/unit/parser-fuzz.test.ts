// Unit, property-based: whatever arrives as a frame, the parser answers with a typed action or a
// ChatError with a known code; it never throws anything else, and never lets identity in from the body.

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  ACTIONS,
  ChatError,
  decodeFrame,
  ERROR_CODES,
  parseClientAction,
  toErrorEvent,
  type ClientAction,
} from '../../src/domain/index.js';

function outcome(raw: string): ClientAction | ChatError {
  try {
    return parseClientAction(decodeFrame(raw));
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
}

const fieldValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  fc.string({ minLength: 1000, maxLength: 12_000 }),
  fc.constantFrom('__proto__', 'constructor', 'lobby', 'general', 'a/b', '\u0000', '\uD800', '😀'),
);

const frameObject = fc.record(
  {
    action: fc.oneof(fc.constantFrom(...ACTIONS), fieldValue),
    room: fieldValue,
    text: fieldValue,
    data: fieldValue,
    to: fieldValue,
    with: fieldValue,
    since: fieldValue,
    after: fieldValue,
    before: fieldValue,
    limit: fieldValue,
    clientMsgId: fieldValue,
    requestId: fieldValue,
    isTyping: fieldValue,
    from: fieldValue,
    userId: fieldValue,
    sender: fieldValue,
  },
  { requiredKeys: [] },
);

describe('the frame parser under arbitrary input', () => {
  it('answers any text with an action or a known error code', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (raw) => {
        const result = outcome(raw);
        if (result instanceof ChatError) expect(ERROR_CODES).toContain(result.code);
        else expect(ACTIONS).toContain(result.action);
      }),
      { numRuns: 2_000 },
    );
  });

  it('answers any JSON object with an action or a known error, never carrying identity fields', () => {
    fc.assert(
      fc.property(frameObject, (body) => {
        const result = outcome(JSON.stringify(body));
        if (result instanceof ChatError) {
          expect(ERROR_CODES).toContain(result.code);
          const frame = toErrorEvent(result);
          expect(JSON.parse(JSON.stringify(frame))).toEqual(frame);
        } else {
          expect(ACTIONS).toContain(result.action);
          for (const field of ['from', 'userId', 'sender', 'displayName'])
            expect(result).not.toHaveProperty(field);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('accepts valid messages of any valid Unicode text, unchanged', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((t) => t.trim() !== ''),
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
        (text, room) => {
          expect(outcome(JSON.stringify({ action: 'sendMessage', room, text }))).toEqual({
            action: 'sendMessage',
            room,
            text,
          });
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('does not pollute prototypes whatever the keys', () => {
    fc.assert(
      fc.property(fc.json(), (raw) => {
        outcome(raw.replace(/^\{/, '{"__proto__":{"polluted":1},'));
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
