// Protocol documents: one schema per event the service sends, closed (every field it sends is listed),
// and which event answers each action. Typed by the domain's event and action names, so neither list
// compiles with one missing.

import type { ActionName, ServerEvent } from '../domain/index.js';
import { closedObject, ref, type JsonSchema } from './json-schema.js';

export type EventType = ServerEvent['type'];

type Described = Readonly<Record<string, JsonSchema>>;

function event(
  type: EventType,
  description: string,
  properties: Described,
  required: readonly string[],
  optional: Described = {},
): JsonSchema {
  return closedObject(
    { type: { const: type }, ...properties, ...optional },
    ['type', ...required],
    description,
  );
}

const message: Described = {
  seq: ref('SequenceNumber'),
  messageId: ref('MessageId'),
  text: ref('StoredText'),
  sentAt: ref('EpochMillis'),
};
/** A message as history and catch-up show it: last edited when, or deleted when (its text then empty). */
const version: Described = {
  editedAt: ref('EpochMillis'),
  deletedAt: ref('EpochMillis'),
  reactions: ref('ReactionSummaries'),
};
/** Where an edit or a delete happened: a room, or a direct conversation's two users. */
const amendedIn: Described = { room: ref('RoomName'), users: ref('UserPair') };
const change: Described = {
  seq: ref('SequenceNumber'),
  messageId: ref('MessageId'),
  target: ref('SequenceNumber'),
  by: ref('Identity'),
  at: ref('EpochMillis'),
};
const entries = (...types: string[]): JsonSchema => ({
  type: 'array',
  items: { oneOf: types.map((type) => ref(type)) },
});
const counts: Described = { connections: ref('Count'), users: ref('Count') };
const readState: Described = { readSeq: ref('ReadSeq'), lastSeq: ref('LastSeq'), unread: ref('Count') };
const conversation: Described = { room: ref('RoomName'), with: ref('UserId') };
const reply: Described = { requestId: ref('RequestId') };
const snapshot: Described = { members: ref('Members'), truncated: ref('Truncated') };

/** Every event but `error`, whose schema is shared with the backend API's errors (error-schemas.ts). */
const EVENTS: Readonly<Record<Exclude<EventType, 'error'>, JsonSchema>> = {
  message: event(
    'message',
    'A message in a room, to every connection in it (the sender included), in `joined.missed` and in `history`.',
    { room: ref('RoomName'), from: ref('Identity'), ...message },
    ['room', 'seq', 'messageId', 'from', 'text', 'sentAt'],
    version,
  ),
  direct: event(
    'direct',
    "A direct message, to the recipient's connections and the sender's others, and in `history`.",
    { from: ref('Identity'), to: ref('UserId'), ...message },
    ['from', 'to', 'seq', 'messageId', 'text', 'sentAt'],
    version,
  ),
  message_updated: event(
    'message_updated',
    'A message was edited: an entry with its own `seq`, in order with the messages; `target` is the edited one. The answer to `editMessage`, then to everyone in the conversation (the editor too).',
    { ...change, text: ref('StoredText') },
    ['seq', 'messageId', 'target', 'by', 'text', 'at'],
    { ...reply, ...amendedIn },
  ),
  message_deleted: event(
    'message_deleted',
    'A message was deleted (its text is gone): an entry with its own `seq`. The answer to `deleteMessage`, then to everyone in the conversation.',
    change,
    ['seq', 'messageId', 'target', 'by', 'at'],
    { ...reply, ...amendedIn },
  ),
  reactions_updated: event(
    'reactions_updated',
    "A message's reactions changed (`seq` is the message's). The answer to `react` at once, each entry with `mine`; to everyone in the conversation at most once per message every second or so, without `mine`.",
    { seq: ref('SequenceNumber'), reactions: ref('ReactionSummaries') },
    ['seq', 'reactions'],
    { ...reply, ...amendedIn },
  ),
  occupancy: event(
    'occupancy',
    "A room's counts changed: its member connections and distinct users. At most once every few seconds per room, to everyone in it.",
    { room: ref('RoomName'), ...counts },
    ['room', 'connections', 'users'],
  ),
  room_reaction: event(
    'room_reaction',
    'Someone reacted to the room; never stored.',
    { room: ref('RoomName'), user: ref('Identity'), reaction: ref('Reaction'), sentAt: ref('EpochMillis') },
    ['room', 'user', 'reaction', 'sentAt'],
  ),
  status_changed: event(
    'status_changed',
    'A member of the room set a new status (not sent in rooms above the announcement limit).',
    { room: ref('RoomName'), user: ref('Identity'), status: ref('StatusName') },
    ['room', 'user', 'status'],
    { statusText: ref('StatusText') },
  ),
  status: event(
    'status',
    'The answer to `setStatus`: the status now shown.',
    { status: ref('StatusName') },
    ['status'],
    { ...reply, statusText: ref('StatusText') },
  ),
  read_marker: event(
    'read_marker',
    "The user's read state of a room or a direct conversation: the answer to `markRead`, and news to the user's other connections.",
    readState,
    ['readSeq', 'lastSeq', 'unread'],
    { ...reply, ...conversation },
  ),
  unread: event(
    'unread',
    'The answer to `unread`: each followed conversation, most unread first.',
    {
      conversations: {
        type: 'array',
        items: closedObject({ ...conversation, ...readState }, ['readSeq', 'lastSeq', 'unread']),
      },
      truncated: ref('Truncated'),
    },
    ['conversations', 'truncated'],
    reply,
  ),
  ack: event(
    'ack',
    'A send was stored: its sequence number. `duplicate` when the `clientMsgId` was accepted before.',
    {
      seq: ref('SequenceNumber'),
      messageId: ref('MessageId'),
      sentAt: ref('EpochMillis'),
      duplicate: { type: 'boolean' },
    },
    ['seq', 'messageId', 'sentAt', 'duplicate'],
    { ...reply, clientMsgId: ref('ClientMsgId'), room: ref('RoomName'), to: ref('UserId') },
  ),
  joined: event(
    'joined',
    'The answer to `join`: who is in the room; with `since`, the messages missed (`missed`, `hasMore`).',
    { room: ref('RoomName'), ...snapshot, ...readState },
    ['room', 'members', 'truncated', 'readSeq', 'lastSeq', 'unread'],
    {
      ...reply,
      occupancy: closedObject(
        counts,
        ['connections', 'users'],
        "The room's counts, this connection included.",
      ),
      missed: entries('MessageEvent', 'MessageUpdatedEvent', 'MessageDeletedEvent'),
      hasMore: ref('HasMore'),
    },
  ),
  left: event('left', 'The answer to `leave`.', { room: ref('RoomName') }, ['room'], reply),
  presence: event(
    'presence',
    'The answer to `presence`: who is in the room.',
    { room: ref('RoomName'), ...snapshot },
    ['room', 'members', 'truncated'],
    reply,
  ),
  member_joined: event(
    'member_joined',
    "A user's first connection joined the room (not sent in rooms above the announcement limit).",
    { room: ref('RoomName'), user: ref('Identity') },
    ['room', 'user'],
  ),
  member_left: event(
    'member_left',
    "A user's last connection left the room (not sent in rooms above the announcement limit).",
    { room: ref('RoomName'), user: ref('Identity') },
    ['room', 'user'],
  ),
  typing: event(
    'typing',
    'Someone in the room started or stopped typing; never stored.',
    { room: ref('RoomName'), user: ref('Identity'), isTyping: { type: 'boolean' } },
    ['room', 'user', 'isTyping'],
  ),
  history: event(
    'history',
    'The answer to `history`: a page, oldest first, of the room or of the conversation `with` a user.',
    {
      messages: entries('MessageEvent', 'DirectEvent', 'MessageUpdatedEvent', 'MessageDeletedEvent'),
      hasMore: ref('HasMore'),
    },
    ['messages', 'hasMore'],
    { ...reply, room: ref('RoomName'), with: ref('UserId') },
  ),
  pong: event(
    'pong',
    'The answer to `ping`: the server time.',
    { serverTime: ref('EpochMillis') },
    ['serverTime'],
    reply,
  ),
  whoami: event(
    'whoami',
    "The answer to `whoami`: this connection's id and identity, and the `@connections` endpoint.",
    { connectionId: ref('ConnectionId'), user: ref('Identity') },
    ['connectionId', 'user'],
    { ...reply, connectedAt: ref('EpochMillis'), endpoint: { type: 'string', format: 'uri' } },
  ),
  removed: event(
    'removed',
    'To each connection of a user a moderator (`removeMember`) or a backend (a ban) took out of a room; `banned` says whether joining again is refused.',
    { room: ref('RoomName'), banned: { type: 'boolean' } },
    ['room', 'banned'],
  ),
  member_removed: event(
    'member_removed',
    "The answer to `removeMember`: how many of the user's connections left the room (0 when the user was not in it).",
    { room: ref('RoomName'), userId: ref('UserId'), connections: ref('Count') },
    ['room', 'userId', 'connections'],
    reply,
  ),
  notice: event(
    'notice',
    'An announcement a backend broadcast to every connection; not stored.',
    {
      messageId: ref('MessageId'),
      from: ref('Identity'),
      text: ref('MessageText'),
      sentAt: ref('EpochMillis'),
    },
    ['messageId', 'from', 'text', 'sentAt'],
  ),
};

/**
 * Not the service's: API Gateway's own frame when the integration fails (the handler crashed or ran past
 * 29 s). It has no `type`, and its `requestId` is the gateway's, not the action's.
 */
export const GATEWAY_ERROR = 'GatewayError';

export const GATEWAY_ERROR_SCHEMA: JsonSchema = closedObject(
  {
    message: { enum: ['Internal server error', 'Endpoint request timed out'] },
    connectionId: ref('ConnectionId'),
    requestId: { type: 'string', description: "API Gateway's request id." },
  },
  ['message', 'connectionId', 'requestId'],
  "Sent by API Gateway, not by the service, when a frame's handler fails or outlives the 29 s integration timeout; carries no `type` and not the action's `requestId`.",
);

/** The component name of an event's schema and message, e.g. `MemberJoinedEvent`. */
export function eventSchemaName(type: EventType): string {
  const words = type.split('_').map((word) => `${word[0]?.toUpperCase()}${word.slice(1)}`);
  return `${words.join('')}Event`;
}

export const SERVER_EVENT_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ...Object.fromEntries(
    Object.entries(EVENTS).map(([type, schema]) => [eventSchemaName(type as EventType), schema]),
  ),
  [GATEWAY_ERROR]: GATEWAY_ERROR_SCHEMA,
};

/** The event that answers each action when it succeeds; any action may be answered by `error` instead. */
export const REPLIES: Readonly<Record<ActionName, EventType | null>> = {
  join: 'joined',
  leave: 'left',
  sendMessage: 'ack',
  sendDirect: 'ack',
  editMessage: 'message_updated',
  deleteMessage: 'message_deleted',
  react: 'reactions_updated',
  history: 'history',
  presence: 'presence',
  typing: null,
  roomReaction: null,
  setStatus: 'status',
  markRead: 'read_marker',
  unread: 'unread',
  ping: 'pong',
  whoami: 'whoami',
  removeMember: 'member_removed',
};

/** Events no action asks for: sent because of what other connections (or backends) did. */
export const PUSHED_EVENTS: readonly EventType[] = [
  'message',
  'direct',
  'member_joined',
  'member_left',
  'typing',
  'notice',
  'message_updated',
  'message_deleted',
  'reactions_updated',
  'room_reaction',
  'status_changed',
  'read_marker',
  'occupancy',
  'removed',
];
