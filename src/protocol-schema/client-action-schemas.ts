// Protocol documents: one schema per client action, as the domain's parser (parseClientAction) reads
// frames. Typed by ActionName, so an action added to the parser does not compile until it is described.

import type { ActionName } from '../domain/index.js';
import { ref, type JsonSchema } from './json-schema.js';

/**
 * The message text: `text`, or `data` (the field of API Gateway's chat walkthrough) when `text` is absent
 * or null, as the parser reads it. An unused `data` may hold anything.
 */
const textOrData: JsonSchema = {
  if: { required: ['text'], properties: { text: { not: { type: 'null' } } } },
  then: { properties: { text: ref('ClientText') } },
  else: { required: ['data'], properties: { data: ref('ClientText') } },
};

interface ActionShape {
  readonly summary: string;
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly rules?: JsonSchema;
  /** Carries a message text (`text` or `data`). */
  readonly text?: true;
}

const SHAPES: Readonly<Record<ActionName, ActionShape>> = {
  join: {
    summary: 'Join a room; with `since`, also get the messages after that sequence number.',
    properties: { room: ref('RoomName'), since: ref('SequenceBound') },
    required: ['room'],
  },
  leave: { summary: 'Leave a room (idempotent).', properties: { room: ref('RoomName') }, required: ['room'] },
  sendMessage: {
    summary: 'Post a message to a room this connection has joined; without `room`, to the lobby.',
    properties: { room: ref('RoomName'), clientMsgId: ref('ClientMsgId') },
    text: true,
  },
  sendDirect: {
    summary: 'Send a direct message to a user (all their connections).',
    properties: { to: ref('UserId'), clientMsgId: ref('ClientMsgId') },
    required: ['to'],
    text: true,
  },
  editMessage: {
    summary:
      "Replace the text of one of the caller's own messages (`seq`), in a room (joined) or the conversation `with` a user.",
    properties: { room: ref('RoomName'), with: ref('UserId'), seq: ref('SequenceNumber') },
    required: ['seq'],
    rules: { oneOf: [{ required: ['room'] }, { required: ['with'] }] },
    text: true,
  },
  deleteMessage: {
    summary: "Delete one of the caller's own messages (`seq`): its text leaves storage, a tombstone stays.",
    properties: { room: ref('RoomName'), with: ref('UserId'), seq: ref('SequenceNumber') },
    required: ['seq'],
    rules: { oneOf: [{ required: ['room'] }, { required: ['with'] }] },
  },
  react: {
    summary:
      'Add (`on`, the default) or take back (`on: false`) a reaction to a message (`seq`) in a room (joined) or the conversation `with` a user. One of each reaction per user.',
    properties: {
      room: ref('RoomName'),
      with: ref('UserId'),
      seq: ref('SequenceNumber'),
      reaction: ref('Reaction'),
      on: { type: 'boolean' },
    },
    required: ['seq', 'reaction'],
    rules: { oneOf: [{ required: ['room'] }, { required: ['with'] }] },
  },
  history: {
    summary:
      'Read a page of a room (joined) or of the direct conversation `with` a user. `before` must exceed `after` + 1.',
    properties: {
      room: ref('RoomName'),
      with: ref('UserId'),
      after: ref('SequenceBound'),
      before: ref('SequenceBound'),
      limit: ref('PageLimit'),
    },
    rules: { oneOf: [{ required: ['room'] }, { required: ['with'] }] },
  },
  presence: {
    summary: 'List who is in a room this connection has joined.',
    properties: { room: ref('RoomName') },
    required: ['room'],
  },
  typing: {
    summary: 'Tell the room typing started (`isTyping` true, the default) or stopped.',
    properties: { room: ref('RoomName'), isTyping: { type: 'boolean' } },
    required: ['room'],
  },
  roomReaction: {
    summary: 'React to a room as a whole (joined); never stored, no reply on success.',
    properties: { room: ref('RoomName'), reaction: ref('Reaction') },
    required: ['room', 'reaction'],
  },
  setStatus: {
    summary: "Set the user's status, shown in every room's presence and kept across devices.",
    properties: { status: ref('StatusName'), text: ref('ClientStatusText') },
    required: ['status'],
  },
  markRead: {
    summary: 'Mark a room (joined) or the conversation `with` a user read up to `seq` (forward only).',
    properties: { room: ref('RoomName'), with: ref('UserId'), seq: ref('SequenceBound') },
    required: ['seq'],
    rules: { oneOf: [{ required: ['room'] }, { required: ['with'] }] },
  },
  unread: { summary: 'The unread count of every conversation the user follows.', properties: {} },
  ping: { summary: 'Keep the connection alive and measure the round trip.', properties: {} },
  whoami: { summary: "This connection's id, identity and `@connections` endpoint.", properties: {} },
  removeMember: {
    summary:
      'Moderators only: take every connection of the user `member` out of `room` (which the caller has joined); they may join again unless banned.',
    properties: { room: ref('RoomName'), member: ref('UserId') },
    required: ['room', 'member'],
  },
};

/** The component name of an action's schema and message, e.g. `SendMessageAction`. */
export function actionSchemaName(action: ActionName): string {
  return `${action[0]?.toUpperCase()}${action.slice(1)}Action`;
}

export function actionSummary(action: ActionName): string {
  return SHAPES[action].summary;
}

function actionSchema(action: ActionName, shape: ActionShape): JsonSchema {
  const rules = [...(shape.text ? [textOrData] : []), ...(shape.rules === undefined ? [] : [shape.rules])];
  const text = shape.text ? ' The text is `text`, or `data` when `text` is absent.' : '';
  return {
    type: 'object',
    description: `${shape.summary}${text} Fields not listed are ignored.`,
    required: ['action', ...(shape.required ?? [])],
    properties: { action: { const: action }, ...shape.properties, requestId: ref('RequestId') },
    ...(rules.length === 0 ? {} : { allOf: rules }),
  };
}

export const CLIENT_ACTION_SCHEMAS: Readonly<Record<string, JsonSchema>> = Object.fromEntries(
  (Object.entries(SHAPES) as [ActionName, ActionShape][]).map(([action, shape]) => [
    actionSchemaName(action),
    actionSchema(action, shape),
  ]),
);
