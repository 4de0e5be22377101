// Protocol: the rules for the fields clients send, each stated once with one wording. The WebSocket
// parser and the backend HTTP routes both call these, and the client SDK re-exports them for pages, so
// this module stays pure (no I/O, nothing platform-specific).

import { isValidUserId, type UserId } from '../model/identity.js';
import { isValidRoomName, type RoomName } from '../model/room.js';
import { ChatError } from './errors.js';

/** What a valid room name looks like, in words (the pattern lives in model/room.ts). */
export const ROOM_NAME_RULE = 'a letter or digit, then up to 63 letters, digits, "_", "." or "-"';
/** What a valid user id looks like, in words (the pattern lives in model/identity.ts). */
export const USER_ID_RULE = '1-128 characters from A-Z a-z 0-9 @ . _ : | + = -';
export const CLIENT_MSG_ID_RULE = '1-64 characters from A-Z a-z 0-9 _ . : -';

export const CLIENT_MSG_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** What a reaction looks like, in words: an emoji (with its joiners and modifiers) or a short name. */
export const REACTION_RULE = '1-16 characters (an emoji or a short name), no spaces or control characters';
// Counted in code points; U+200D (the zero-width joiner inside emoji such as families) is a format
// character but belongs to the emoji, so it is allowed where other invisible characters are not.
export const REACTION_PATTERN = /^(?:[^\s\p{C}]|\u200d){1,16}$/u;

export { isValidRoomName, isValidUserId };

export function isClientMsgId(value: unknown): value is string {
  return typeof value === 'string' && CLIENT_MSG_ID_PATTERN.test(value);
}

export function isReaction(value: unknown): value is string {
  return typeof value === 'string' && REACTION_PATTERN.test(value);
}

/** A reaction (to a message or to a room). */
export function parseReactionField(value: unknown, field = 'reaction'): string {
  if (!isReaction(value)) throw invalidField(field, REACTION_RULE);
  return value;
}

/** A malformed field: `invalid_request`, naming the field in the message and in `details.field`. */
export function invalidField(field: string, expected: string): ChatError {
  return new ChatError('invalid_request', `"${field}" must be ${expected}`, { field });
}

/** A room name, wherever it comes from (a frame's `room`, a URL's `{room}`). */
export function parseRoomField(value: unknown, field = 'room'): RoomName {
  if (value === undefined) throw new ChatError('invalid_room', `"${field}" is required`, { field });
  if (!isValidRoomName(value)) {
    throw new ChatError('invalid_room', `"${field}" must be a room name: ${ROOM_NAME_RULE}`, { field });
  }
  return value;
}

/** A user id named by a caller (a recipient, a history peer, a URL's `{user}`). */
export function parseUserField(value: unknown, field: string): UserId {
  if (!isValidUserId(value)) {
    throw new ChatError('invalid_user', `"${field}" must be a user id: ${USER_ID_RULE}`, { field });
  }
  return value;
}

/** An optional idempotency key for a send. */
export function parseClientMsgIdField(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isClientMsgId(value)) throw invalidField('clientMsgId', CLIENT_MSG_ID_RULE);
  return value;
}

/** An optional sequence number bound (`since`, `after`, `before`). */
export function parseSequenceField(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    throw invalidField(field, 'a non-negative integer');
  return value as number;
}

export interface HistoryBounds {
  readonly after?: number;
  readonly before?: number;
  readonly limit?: number;
}

/**
 * The page a history read asks for: `after` and `before` bound the sequence numbers (both exclusive),
 * `limit` caps the page. The policy lowers a large limit; here only its form is checked.
 */
export function parseHistoryBounds(raw: {
  readonly after?: unknown;
  readonly before?: unknown;
  readonly limit?: unknown;
}): HistoryBounds {
  const after = parseSequenceField(raw.after, 'after');
  const before = parseSequenceField(raw.before, 'before');
  const limit = raw.limit;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && (limit as number) >= 1)) {
    throw invalidField('limit', 'a positive integer');
  }
  if (after !== undefined && before !== undefined && before <= after + 1) {
    throw invalidField('before', 'greater than "after" + 1');
  }
  return {
    after,
    before,
    limit: limit as number | undefined,
  };
}
