// Protocol documents: the schemas of the fields every message and route shares, their patterns and
// limits taken from the constants the domain validates with, so the documents cannot state other rules.

import {
  CLIENT_MSG_ID_PATTERN,
  CLIENT_MSG_ID_RULE,
  DEFAULT_CHAT_POLICY,
  MAX_DISPLAY_NAME,
  MAX_REACTION_KINDS,
  MAX_STATUS_TEXT,
  REACTION_PATTERN,
  REACTION_RULE,
  STATUS_NAMES,
  REQUEST_ID_PATTERN,
  ROOM_NAME_RULE,
  ROOM_PATTERN,
  USER_ID_PATTERN,
  USER_ID_RULE,
} from '../domain/index.js';
import { closedObject, ref, type JsonSchema } from './json-schema.js';

/** API Gateway's connection ids (`L0SM9cOFvHcCIhw=`); the backend API's `{connectionId}` check. */
export const CONNECTION_ID_PATTERN = /^[A-Za-z0-9_=-]{1,128}$/;

const NON_BLANK = '\\S';
/** Non-blank, and no UTF-16 half without its partner (which `u`-mode patterns see as a code point). */
const NON_BLANK_WELL_FORMED = '^(?=[\\s\\S]*\\S)[^\\uD800-\\uDFFF]*$';
/** Any text without a UTF-16 half missing its partner. */
const WELL_FORMED = '^[^\\uD800-\\uDFFF]*$';

function integer(minimum: number, description: string): JsonSchema {
  return { type: 'integer', minimum, maximum: Number.MAX_SAFE_INTEGER, description };
}

export const FIELD_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  RoomName: {
    type: 'string',
    pattern: ROOM_PATTERN.source,
    description: `A room name: ${ROOM_NAME_RULE}. Case-sensitive; joining a room creates it.`,
    examples: ['general'],
  },
  UserId: {
    type: 'string',
    pattern: USER_ID_PATTERN.source,
    description: `A user id: ${USER_ID_RULE}. \`system\` is the sender of backends' messages.`,
    examples: ['auth0|ada'],
  },
  DisplayName: {
    type: 'string',
    minLength: 1,
    description:
      `The name to show: cleaned of control and format characters, at most ${MAX_DISPLAY_NAME} code points; ` +
      'the user id when nothing of the name is left.',
    examples: ['Ada'],
  },
  Identity: closedObject(
    { userId: ref('UserId'), displayName: ref('DisplayName') },
    ['userId', 'displayName'],
    "A user, as the token (or a backend's `from`) names them; never read from a client frame.",
  ),
  RequestId: {
    type: 'string',
    pattern: REQUEST_ID_PATTERN.source,
    description: '1-64 printable ASCII characters without spaces, echoed on the reply to match it.',
    examples: ['r-17'],
  },
  ClientMsgId: {
    type: 'string',
    pattern: CLIENT_MSG_ID_PATTERN.source,
    description: `Idempotency key of a send: ${CLIENT_MSG_ID_RULE}. A retry with the same key is stored and delivered once.`,
    examples: ['c-0001'],
  },
  ConnectionId: {
    type: 'string',
    pattern: CONNECTION_ID_PATTERN.source,
    description: 'An API Gateway connection id, as `whoami` reports it.',
    examples: ['L0SM9cOFvHcCIhw='],
  },
  MessageId: { type: 'string', minLength: 1, description: 'Unique id of a stored message or a notice.' },
  SequenceNumber: integer(1, "A message's place in its conversation: 1, 2, 3, ... without gaps."),
  SequenceBound: integer(0, 'A sequence number bound; `0` for the start of what is kept.'),
  PageLimit: integer(
    1,
    `Messages per page; ${DEFAULT_CHAT_POLICY.historyLimitDefault} when absent, lowered to ` +
      `${DEFAULT_CHAT_POLICY.historyLimitMax} (defaults; a deployment may configure others).`,
  ),
  Count: integer(0, 'A count.'),
  EpochMillis: integer(0, 'A time: Unix epoch milliseconds.'),
  ClientText: {
    type: 'string',
    minLength: 1,
    maxLength: DEFAULT_CHAT_POLICY.maxTextChars,
    pattern: NON_BLANK_WELL_FORMED,
    description:
      `Message text: not blank, valid Unicode, at most ${DEFAULT_CHAT_POLICY.maxTextChars} code points ` +
      '(the default) and, as a message event, within 32 KB on the wire.',
  },
  MessageText: {
    type: 'string',
    minLength: 1,
    maxLength: DEFAULT_CHAT_POLICY.maxTextChars,
    pattern: NON_BLANK,
    description: `Message text: not blank, at most ${DEFAULT_CHAT_POLICY.maxTextChars} code points (the default).`,
  },
  PresenceEntry: closedObject(
    {
      userId: ref('UserId'),
      displayName: ref('DisplayName'),
      connections: integer(1, "The user's connections (tabs, devices) in the room."),
      status: ref('StatusName'),
      statusText: ref('StatusText'),
    },
    ['userId', 'displayName', 'connections', 'status'],
    'One user in a room, however many connections they have in it.',
  ),
  Members: {
    type: 'array',
    items: ref('PresenceEntry'),
    description: `One entry per user, at most ${DEFAULT_CHAT_POLICY.presenceMaxUsers} (the default).`,
  },
  StoredText: {
    anyOf: [ref('MessageText'), { const: '' }],
    description: 'A stored text: empty once its message was deleted (the text is gone from storage).',
  },
  Reaction: {
    type: 'string',
    pattern: REACTION_PATTERN.source,
    description: `A reaction: ${REACTION_RULE}.`,
    examples: ['👏'],
  },
  ReactionSummaries: {
    type: 'array',
    items: closedObject(
      {
        reaction: ref('Reaction'),
        count: { type: 'integer', minimum: 1 },
        mine: { type: 'boolean', description: 'Whether the reader gave it; absent in fan-out events.' },
      },
      ['reaction', 'count'],
      'One reaction of a message and how many users gave it.',
    ),
    maxItems: MAX_REACTION_KINDS,
    description: `A message's reactions, most given first; at most ${MAX_REACTION_KINDS} different ones.`,
  },
  StatusName: { enum: [...STATUS_NAMES], description: 'What a user says about their availability.' },
  StatusText: {
    type: 'string',
    maxLength: MAX_STATUS_TEXT,
    description: `The user's words about their status, at most ${MAX_STATUS_TEXT} code points.`,
  },
  ClientStatusText: {
    type: 'string',
    maxLength: MAX_STATUS_TEXT,
    pattern: WELL_FORMED,
    description: `At most ${MAX_STATUS_TEXT} code points, trimmed; blank clears the text.`,
  },
  UserPair: {
    type: 'array',
    items: ref('UserId'),
    minItems: 2,
    maxItems: 2,
    description: "A direct conversation's two users, sorted.",
  },
  ReadSeq: integer(0, 'How far the user has read: the highest sequence number read, 0 for none.'),
  LastSeq: integer(0, "The conversation's last sequence number (expired messages, edits and deletes count)."),
  Truncated: { type: 'boolean', description: 'True when the room holds more users than the list.' },
  HasMore: { type: 'boolean', description: 'True when there is more to page through.' },
};
