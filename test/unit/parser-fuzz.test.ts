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
  type ActionName,
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

/** Keys a body might use to claim an identity; identity comes from the authorizer, never from a frame. */
const IDENTITY_KEYS = [
  'from',
  'userId',
  'sender',
  'connectionId',
  'displayName',
  'identity',
  'user',
  'caller',
] as const;

// Valid field values, by the rules of src/domain/protocol/fields.ts and the model's patterns.
const roomName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);
const userId = fc.stringMatching(/^[A-Za-z0-9@._:|+=-]{1,128}$/);
const messageText = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 300 })
  .filter((t) => t.trim() !== '');
const clientMsgId = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);
const requestId = fc.stringMatching(/^[\x21-\x7e]{1,64}$/);
const seq = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const optional = { requiredKeys: [] as never[] };

const historyBounds = fc
  .record({ after: seq, before: seq, limit: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }) }, optional)
  .map((b) =>
    b.after !== undefined && b.before !== undefined && b.before <= b.after + 1
      ? { ...b, before: b.after + 2 }
      : b,
  )
  .filter((b) => b.before === undefined || Number.isSafeInteger(b.before));

/** One generator per action (the Record type makes a new action in ACTIONS a compile error here). */
const validBodies: Record<ActionName, fc.Arbitrary<Record<string, unknown>>> = {
  join: fc.record({ room: roomName, since: seq }, { requiredKeys: ['room'] }),
  leave: fc.record({ room: roomName }),
  sendMessage: fc.oneof(
    fc.record({ room: roomName, text: messageText, clientMsgId }, { requiredKeys: ['text'] }),
    fc.record({ room: roomName, data: messageText }, { requiredKeys: ['data'] }),
  ),
  sendDirect: fc.record({ to: userId, text: messageText, clientMsgId }, { requiredKeys: ['to', 'text'] }),
  history: fc
    .tuple(fc.oneof(fc.record({ room: roomName }), fc.record({ with: userId })), historyBounds)
    .map(([target, bounds]) => ({ ...target, ...bounds })),
  presence: fc.record({ room: roomName }),
  typing: fc.record({ room: roomName, isTyping: fc.boolean() }, { requiredKeys: ['room'] }),
  roomReaction: fc.record({ room: roomName, reaction: fc.constantFrom('👍', '🎉', 'clap', '👨‍👩‍👧') }),
  setStatus: fc.record(
    {
      status: fc.constantFrom('available', 'away', 'busy'),
      text: fc.string({ minLength: 1, maxLength: 20 }),
    },
    { requiredKeys: ['status'] },
  ),
  editMessage: fc
    .tuple(
      fc.oneof(fc.record({ room: roomName }), fc.record({ with: userId })),
      fc.integer({ min: 1 }),
      messageText,
    )
    .map(([target, at, text]) => ({ ...target, seq: at, text })),
  deleteMessage: fc
    .tuple(fc.oneof(fc.record({ room: roomName }), fc.record({ with: userId })), fc.integer({ min: 1 }))
    .map(([target, at]) => ({ ...target, seq: at })),
  react: fc
    .tuple(
      fc.oneof(fc.record({ room: roomName }), fc.record({ with: userId })),
      fc.integer({ min: 1 }),
      fc.constantFrom('👍', '🎉', 'clap', '👨‍👩‍👧'),
      fc.option(fc.boolean(), { nil: undefined }),
    )
    .map(([target, at, reaction, on]) => ({
      ...target,
      seq: at,
      reaction,
      ...(on === undefined ? {} : { on }),
    })),
  markRead: fc
    .tuple(fc.oneof(fc.record({ room: roomName }), fc.record({ with: userId })), seq)
    .map(([target, at]) => ({ ...target, seq: at })),
  unread: fc.constant({}),
  ping: fc.constant({}),
  whoami: fc.constant({}),
  removeMember: fc.record({ room: roomName, member: userId }),
};

const validFrame = fc
  .tuple(fc.constantFrom(...ACTIONS), fc.option(requestId, { nil: undefined }))
  .chain(([action, id]) =>
    validBodies[action].map((body) => ({ action, ...body, ...(id === undefined ? {} : { requestId: id }) })),
  );

/** At least one identity key, each with any JSON value: strings, numbers, objects that look like an identity. */
const identityClaims = fc
  .dictionary(
    fc.constantFrom(...IDENTITY_KEYS),
    fc.oneof(userId, fc.record({ userId, displayName: fc.string() }), fc.jsonValue()),
    { minKeys: 1 },
  )
  .map((claims) => ({ ...claims }));

function keysDeep(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysDeep(inner)]);
}

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

  // Mostly refusals: frames that parse, with identity keys, are the next property's subject.
  it('answers any JSON object with an action or a known error that survives JSON', () => {
    fc.assert(
      fc.property(frameObject, (body) => {
        const result = outcome(JSON.stringify(body));
        if (result instanceof ChatError) {
          expect(ERROR_CODES).toContain(result.code);
          const frame = toErrorEvent(result);
          expect(JSON.parse(JSON.stringify(frame))).toEqual(frame);
        } else {
          expect(ACTIONS).toContain(result.action);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('parses every valid action with identity keys added as if they were absent, carrying none of them', () => {
    const runs = 3_000;
    const parsed = new Map<string, number>();
    fc.assert(
      fc.property(validFrame, identityClaims, (frame, claims) => {
        const withClaims = outcome(JSON.stringify({ ...claims, ...frame }));
        const without = outcome(JSON.stringify(frame));
        if (withClaims instanceof ChatError)
          throw new Error(`refused ${withClaims.code}: ${withClaims.message}`);
        expect(withClaims).toEqual(without);
        for (const key of IDENTITY_KEYS) expect(keysDeep(withClaims)).not.toContain(key);
        parsed.set(withClaims.action, (parsed.get(withClaims.action) ?? 0) + 1);
      }),
      { numRuns: runs },
    );
    // The property only says something about samples that parse: most must, of every action.
    const total = [...parsed.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(runs * 0.9);
    for (const action of ACTIONS) expect(parsed.get(action) ?? 0).toBeGreaterThan(runs / ACTIONS.length / 2);
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
