// Protocol documents: the backend HTTP API route by route (parameters, body, answers, the error codes
// each can refuse with), keyed by the route table's `httpRoutes`, so a route added there does not
// compile until it is described here.

import table from '../handlers/route-table.json' with { type: 'json' };
import { DEFAULT_CHAT_POLICY, MAX_DISPLAY_NAME, type ErrorCode } from '../domain/index.js';
import { closedObject, ref, type JsonSchema } from './json-schema.js';

export type HttpRouteKey = keyof typeof table.httpRoutes;
export type HttpParameter = 'room' | 'user' | 'connectionId' | 'seq' | 'after' | 'before' | 'limit';

export interface HttpRouteDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly parameters: readonly HttpParameter[];
  /** The request body's schema, in `components.schemas`. */
  readonly body?: string;
  /** Status -> what it means and the body's schema (none for an empty answer). */
  readonly answers: Readonly<Record<number, { readonly description: string; readonly schema?: string }>>;
  /** Codes it refuses with besides `internal_error`, which every route may answer. */
  readonly errors: readonly ErrorCode[];
}

const PUBLISH_ERRORS: readonly ErrorCode[] = ['invalid_json', 'invalid_request', 'message_too_large'];

export const HTTP_ROUTES: Readonly<Record<HttpRouteKey, HttpRouteDoc>> = {
  'POST /rooms/{room}/messages': {
    operationId: 'publishToRoom',
    summary:
      'Post into a room that exists (has members or history): stored, numbered and fanned out as `message` from `system`.',
    parameters: ['room'],
    body: 'PublishBody',
    answers: {
      201: { description: 'Stored and fanned out.', schema: 'PublishToRoomResult' },
      200: {
        description: 'A retry of a `clientMsgId` already accepted: nothing new.',
        schema: 'PublishToRoomResult',
      },
    },
    errors: [...PUBLISH_ERRORS, 'invalid_room', 'unknown_room', 'unavailable'],
  },
  'POST /users/{user}/messages': {
    operationId: 'publishToUser',
    summary:
      'Write to every connection of a user as a `direct` from `system`, kept in their conversation with `system`.',
    parameters: ['user'],
    body: 'PublishBody',
    answers: {
      201: { description: 'Stored and delivered.', schema: 'PublishToUserResult' },
      200: {
        description: 'A retry of a `clientMsgId` already accepted: nothing new.',
        schema: 'PublishToUserResult',
      },
    },
    errors: [...PUBLISH_ERRORS, 'invalid_user'],
  },
  'POST /broadcast': {
    operationId: 'broadcast',
    summary: 'A `notice` to every live connection; not stored.',
    parameters: [],
    body: 'BroadcastBody',
    answers: { 200: { description: 'Sent.', schema: 'BroadcastResult' } },
    errors: [...PUBLISH_ERRORS, 'unavailable'],
  },
  'GET /rooms/{room}/members': {
    operationId: 'roomMembers',
    summary: 'Who is in a room, one entry per user.',
    parameters: ['room'],
    answers: { 200: { description: 'The room presence.', schema: 'RoomMembers' } },
    errors: ['invalid_room', 'unknown_room'],
  },
  'GET /rooms/{room}/messages': {
    operationId: 'roomHistory',
    summary: "A page of a room's history, paged like the `history` action.",
    parameters: ['room', 'after', 'before', 'limit'],
    answers: { 200: { description: 'A page, oldest first.', schema: 'RoomHistory' } },
    errors: ['invalid_room', 'invalid_request', 'unknown_room'],
  },
  'PATCH /rooms/{room}/messages/{seq}': {
    operationId: 'editRoomMessage',
    summary:
      'Moderation: replace the text of any message of a room, as `system`. The edit takes its own sequence number and reaches the members as `message_updated`.',
    parameters: ['room', 'seq'],
    body: 'EditBody',
    answers: { 200: { description: 'Edited and fanned out.', schema: 'ModerationResult' } },
    errors: [...PUBLISH_ERRORS, 'invalid_room', 'not_found', 'unavailable'],
  },
  'DELETE /rooms/{room}/messages/{seq}': {
    operationId: 'deleteRoomMessage',
    summary:
      'Moderation: delete any message of a room (its text leaves storage); the members get `message_deleted`. An optional body `{ "from" }` names the moderator.',
    parameters: ['room', 'seq'],
    answers: { 200: { description: 'Deleted and fanned out.', schema: 'ModerationResult' } },
    errors: ['invalid_json', 'invalid_request', 'invalid_room', 'not_found', 'unavailable'],
  },
  'DELETE /connections/{connectionId}': {
    operationId: 'kickConnection',
    summary: 'Close one connection; API Gateway then runs `$disconnect`.',
    parameters: ['connectionId'],
    answers: { 204: { description: 'Closed.' } },
    errors: ['invalid_request', 'unknown_connection'],
  },
  'DELETE /users/{user}/connections': {
    operationId: 'kickUser',
    summary: 'Close every connection of a user.',
    parameters: ['user'],
    answers: {
      200: { description: 'How many were closed, and how many were gone already.', schema: 'KickUserResult' },
    },
    errors: ['invalid_user'],
  },
  'PUT /rooms/{room}/bans/{user}': {
    operationId: 'banUser',
    summary:
      'Ban a user from a room: their joins and sends there are refused (`forbidden`), and their live connections leave it (`removed`, then `member_left` to the room). Banning again is harmless.',
    parameters: ['room', 'user'],
    answers: {
      200: { description: 'Banned; how many connections left the room.', schema: 'BanResult' },
    },
    errors: ['invalid_room', 'invalid_user'],
  },
  'DELETE /rooms/{room}/bans/{user}': {
    operationId: 'unbanUser',
    summary: 'Lift a ban; the user may join again. Lifting a ban that does not exist succeeds too.',
    parameters: ['room', 'user'],
    answers: {
      200: { description: 'Not banned; `unbanned` says whether there was a ban.', schema: 'UnbanResult' },
    },
    errors: ['invalid_room', 'invalid_user'],
  },
};

const delivery: Readonly<Record<string, JsonSchema>> = {
  delivered: ref('Count'),
  gone: ref('Count'),
  failed: ref('Count'),
};
const published: Readonly<Record<string, JsonSchema>> = {
  seq: ref('SequenceNumber'),
  messageId: ref('MessageId'),
  duplicate: { type: 'boolean' },
  ...delivery,
};
const from: JsonSchema = {
  type: 'string',
  description: `Display name to send as (user id \`system\`), cleaned like any name, 1-${MAX_DISPLAY_NAME} code points; \`system\` when absent.`,
};

/** A JSON object body; like client frames, fields not listed are ignored. */
function requestBody(properties: Readonly<Record<string, JsonSchema>>, description: string): JsonSchema {
  return {
    type: 'object',
    description: `${description} Fields not listed are ignored.`,
    required: ['text'],
    properties,
  };
}

export const HTTP_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  PublishBody: requestBody(
    { text: ref('MessageText'), from, clientMsgId: ref('ClientMsgId') },
    `The text follows the client rules: not blank, at most ${DEFAULT_CHAT_POLICY.maxTextChars} code points (the default), the event within 32 KB.`,
  ),
  BroadcastBody: requestBody({ text: ref('MessageText'), from }, 'The text follows the client rules.'),
  PublishToRoomResult: closedObject({ room: ref('RoomName'), ...published }, [
    'room',
    ...Object.keys(published),
  ]),
  PublishToUserResult: closedObject({ user: ref('UserId'), ...published }, [
    'user',
    ...Object.keys(published),
  ]),
  BroadcastResult: closedObject(
    {
      messageId: ref('MessageId'),
      recipients: ref('Count'),
      ...delivery,
      complete: { type: 'boolean', description: 'False when listing the connections failed part-way.' },
    },
    ['messageId', 'recipients', 'delivered', 'gone', 'failed', 'complete'],
  ),
  RoomMembers: closedObject({ room: ref('RoomName'), members: ref('Members'), truncated: ref('Truncated') }, [
    'room',
    'members',
    'truncated',
  ]),
  RoomHistory: closedObject(
    {
      room: ref('RoomName'),
      messages: {
        type: 'array',
        items: { oneOf: [ref('MessageEvent'), ref('MessageUpdatedEvent'), ref('MessageDeletedEvent')] },
      },
      hasMore: ref('HasMore'),
    },
    ['room', 'messages', 'hasMore'],
  ),
  EditBody: requestBody({ text: ref('MessageText'), from }, 'The new text follows the client rules.'),
  ModerationResult: closedObject(
    {
      room: ref('RoomName'),
      type: { enum: ['message_updated', 'message_deleted'] },
      seq: ref('SequenceNumber'),
      target: ref('SequenceNumber'),
      ...delivery,
    },
    ['room', 'type', 'seq', 'target', 'delivered', 'gone', 'failed'],
  ),
  KickUserResult: closedObject({ closed: ref('Count'), gone: ref('Count') }, ['closed', 'gone']),
  BanResult: closedObject(
    { room: ref('RoomName'), user: ref('UserId'), banned: { const: true }, removed: ref('Count') },
    ['room', 'user', 'banned', 'removed'],
  ),
  UnbanResult: closedObject(
    {
      room: ref('RoomName'),
      user: ref('UserId'),
      banned: { const: false },
      unbanned: { type: 'boolean', description: 'False when the user was not banned.' },
    },
    ['room', 'user', 'banned', 'unbanned'],
  ),
};
