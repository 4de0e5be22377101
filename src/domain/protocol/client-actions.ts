// Protocol: parses and validates one client frame (already JSON-decoded) into a typed action.
// Identity fields in the body (`from`, `sender`, `userId`, ...) are never read: identity comes from the authorizer.

import type { UserId } from '../model/identity.js';
import type { RoomName } from '../model/room.js';
import { codePointLength } from '../model/identity.js';
import { isStatusName, MAX_STATUS_TEXT, STATUS_NAMES, type StatusName } from '../model/user-status.js';
import { ChatError } from './errors.js';
import {
  invalidField,
  parseClientMsgIdField,
  parseHistoryBounds,
  parseReactionField,
  parseRoomField,
  parseSequenceField,
  parseUserField,
} from './fields.js';

export const ACTIONS = [
  'join',
  'leave',
  'sendMessage',
  'sendDirect',
  'editMessage',
  'deleteMessage',
  'react',
  'history',
  'presence',
  'typing',
  'roomReaction',
  'setStatus',
  'markRead',
  'unread',
  'ping',
  'whoami',
  'removeMember',
] as const;

export type ActionName = (typeof ACTIONS)[number];

interface Correlated {
  /** Client-chosen id echoed on the reply, so a client can match replies to requests. */
  readonly requestId?: string;
}

export interface JoinAction extends Correlated {
  readonly action: 'join';
  readonly room: RoomName;
  readonly since?: number;
}
export interface LeaveAction extends Correlated {
  readonly action: 'leave';
  readonly room: RoomName;
}
export interface SendMessageAction extends Correlated {
  readonly action: 'sendMessage';
  /** Absent means the lobby, for compatibility with the classic walkthrough's `{"action":"sendMessage","data":...}`. */
  readonly room?: RoomName;
  readonly text: string;
  readonly clientMsgId?: string;
}
export interface SendDirectAction extends Correlated {
  readonly action: 'sendDirect';
  readonly to: UserId;
  readonly text: string;
  readonly clientMsgId?: string;
}
/** Replaces the text of one of the caller's own messages, in a room or a direct conversation. */
export interface EditMessageAction extends Correlated {
  readonly action: 'editMessage';
  readonly target: { readonly room: RoomName } | { readonly with: UserId };
  readonly seq: number;
  readonly text: string;
}
/** Deletes one of the caller's own messages: its text is removed, a tombstone stays in its place. */
export interface DeleteMessageAction extends Correlated {
  readonly action: 'deleteMessage';
  readonly target: { readonly room: RoomName } | { readonly with: UserId };
  readonly seq: number;
}
/** Adds (`on`, the default) or takes back (`on: false`) the caller's reaction to a stored message. */
export interface ReactAction extends Correlated {
  readonly action: 'react';
  readonly target: { readonly room: RoomName } | { readonly with: UserId };
  readonly seq: number;
  readonly reaction: string;
  readonly on: boolean;
}
export interface HistoryAction extends Correlated {
  readonly action: 'history';
  readonly target: { readonly room: RoomName } | { readonly with: UserId };
  readonly after?: number;
  readonly before?: number;
  readonly limit?: number;
}
export interface PresenceAction extends Correlated {
  readonly action: 'presence';
  readonly room: RoomName;
}
export interface TypingAction extends Correlated {
  readonly action: 'typing';
  readonly room: RoomName;
  readonly isTyping: boolean;
}
/** An ephemeral reaction to the room as a whole (applause, a heart): shown once, never stored. */
export interface RoomReactionAction extends Correlated {
  readonly action: 'roomReaction';
  readonly room: RoomName;
  readonly reaction: string;
}
export interface SetStatusAction extends Correlated {
  readonly action: 'setStatus';
  readonly status: StatusName;
  readonly text?: string;
}
/** Moves the caller's read marker in a room or a direct conversation (never back). */
export interface MarkReadAction extends Correlated {
  readonly action: 'markRead';
  readonly target: { readonly room: RoomName } | { readonly with: UserId };
  readonly seq: number;
}
/** Asks for the unread count of each conversation the caller follows. */
export interface UnreadAction extends Correlated {
  readonly action: 'unread';
}
/** A moderator takes every connection of a user out of a room they are in themselves. */
export interface RemoveMemberAction extends Correlated {
  readonly action: 'removeMember';
  readonly room: RoomName;
  /** The user to remove (named `member`: a frame's `user` would read as a claim of identity). */
  readonly member: UserId;
}
export interface PingAction extends Correlated {
  readonly action: 'ping';
}
export interface WhoAmIAction extends Correlated {
  readonly action: 'whoami';
}

export type ClientAction =
  | JoinAction
  | LeaveAction
  | SendMessageAction
  | SendDirectAction
  | EditMessageAction
  | DeleteMessageAction
  | ReactAction
  | HistoryAction
  | PresenceAction
  | TypingAction
  | RoomReactionAction
  | SetStatusAction
  | MarkReadAction
  | UnreadAction
  | PingAction
  | WhoAmIAction
  | RemoveMemberAction;

type Body = Readonly<Record<string, unknown>>;

/** A `requestId`: 1-64 printable ASCII characters without spaces. */
export const REQUEST_ID_PATTERN = /^[\x21-\x7e]{1,64}$/;

/** Decodes a raw text frame. Anything that is not JSON is `invalid_json`. */
export function decodeFrame(raw: string | null | undefined): unknown {
  if (raw === undefined || raw === null || raw.trim() === '') {
    throw new ChatError('invalid_json', 'The frame is empty; send a JSON object with an "action" field');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ChatError('invalid_json', 'The frame is not valid JSON');
  }
}

/** Reads the requestId if it is well-formed, so even an error reply can be correlated. */
export function peekRequestId(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const value = own(body, 'requestId');
  return isRequestId(value) ? value : undefined;
}

/** Validates a decoded frame and returns the typed action it asks for. */
export function parseClientAction(body: unknown): ClientAction {
  if (!isObject(body)) {
    throw new ChatError('invalid_request', 'A frame must be a JSON object with an "action" field');
  }
  const name = own(body, 'action');
  if (typeof name !== 'string' || !(ACTIONS as readonly string[]).includes(name)) {
    throw unknownAction(name);
  }
  return parseAction(name as ActionName, body);
}

export function unknownAction(name: unknown): ChatError {
  const shown = typeof name === 'string' ? `"${name.slice(0, 64)}"` : 'missing';
  return new ChatError('unknown_action', `Unknown action ${shown}; valid actions: ${ACTIONS.join(', ')}`, {
    validActions: [...ACTIONS],
  });
}

function parseAction(name: ActionName, body: Body): ClientAction {
  const correlated: Correlated = { requestId: optionalRequestId(body) };
  switch (name) {
    case 'join': {
      const since = parseSequenceField(own(body, 'since'), 'since');
      return {
        action: 'join',
        room: requiredRoom(body),
        ...correlated,
        since,
      };
    }
    case 'leave':
      return { action: 'leave', room: requiredRoom(body), ...correlated };
    case 'sendMessage': {
      const room = own(body, 'room');
      const clientMsgId = parseClientMsgIdField(own(body, 'clientMsgId'));
      return {
        action: 'sendMessage',
        text: requiredText(body),
        room: room === undefined ? undefined : parseRoomField(room),
        clientMsgId,
        ...correlated,
      };
    }
    case 'sendDirect': {
      const clientMsgId = parseClientMsgIdField(own(body, 'clientMsgId'));
      return {
        action: 'sendDirect',
        to: parseUserField(own(body, 'to'), 'to'),
        text: requiredText(body),
        clientMsgId,
        ...correlated,
      };
    }
    case 'editMessage':
      return {
        action: 'editMessage',
        target: parseTarget(body, name),
        seq: requiredMessageSeq(body),
        text: requiredText(body),
        ...correlated,
      };
    case 'deleteMessage':
      return {
        action: 'deleteMessage',
        target: parseTarget(body, name),
        seq: requiredMessageSeq(body),
        ...correlated,
      };
    case 'react': {
      const on = own(body, 'on');
      if (on !== undefined && typeof on !== 'boolean') throw invalidField('on', 'a boolean');
      return {
        action: 'react',
        target: parseTarget(body, name),
        seq: requiredMessageSeq(body),
        reaction: parseReactionField(own(body, 'reaction')),
        on: on ?? true,
        ...correlated,
      };
    }
    case 'history':
      return parseHistory(body, correlated);
    case 'presence':
      return { action: 'presence', room: requiredRoom(body), ...correlated };
    case 'typing': {
      const isTyping = own(body, 'isTyping');
      if (isTyping !== undefined && typeof isTyping !== 'boolean')
        throw invalidField('isTyping', 'a boolean');
      return { action: 'typing', room: requiredRoom(body), isTyping: isTyping ?? true, ...correlated };
    }
    case 'roomReaction':
      return {
        action: 'roomReaction',
        room: requiredRoom(body),
        reaction: parseReactionField(own(body, 'reaction')),
        ...correlated,
      };
    case 'setStatus':
      return parseSetStatus(body, correlated);
    case 'markRead': {
      const seq = parseSequenceField(own(body, 'seq'), 'seq');
      if (seq === undefined) throw invalidField('seq', 'a non-negative integer');
      return { action: 'markRead', target: parseTarget(body, 'markRead'), seq, ...correlated };
    }
    case 'unread':
      return { action: 'unread', ...correlated };
    case 'ping':
      return { action: 'ping', ...correlated };
    case 'whoami':
      return { action: 'whoami', ...correlated };
    case 'removeMember':
      return {
        action: 'removeMember',
        room: requiredRoom(body),
        member: parseUserField(own(body, 'member'), 'member'),
        ...correlated,
      };
  }
}

/** A conversation named by `room` or by the other user (`with`): exactly one of them. */
function parseTarget(body: Body, action: ActionName): { room: RoomName } | { with: UserId } {
  const room = own(body, 'room');
  const peer = own(body, 'with');
  if ((room === undefined) === (peer === undefined)) {
    throw new ChatError('invalid_request', `${action} needs exactly one of "room" or "with"`, {
      field: 'room',
    });
  }
  return room !== undefined ? { room: parseRoomField(room) } : { with: parseUserField(peer, 'with') };
}

function parseHistory(body: Body, correlated: Correlated): HistoryAction {
  const target = parseTarget(body, 'history');
  const bounds = parseHistoryBounds({
    after: own(body, 'after'),
    before: own(body, 'before'),
    limit: own(body, 'limit'),
  });
  return { action: 'history', target, ...bounds, ...correlated };
}

function parseSetStatus(body: Body, correlated: Correlated): SetStatusAction {
  const status = own(body, 'status');
  if (!isStatusName(status)) throw invalidField('status', `one of ${STATUS_NAMES.join(', ')}`);
  const text = own(body, 'text');
  if (text === undefined) return { action: 'setStatus', status, ...correlated };
  const expected = `a string of at most ${MAX_STATUS_TEXT} characters`;
  if (typeof text !== 'string' || hasLoneSurrogate(text) || codePointLength(text) > MAX_STATUS_TEXT) {
    throw invalidField('text', expected);
  }
  // Blank text clears it, as a cleared field in a page would send it.
  const trimmed = text.trim();
  return { action: 'setStatus', status, ...(trimmed === '' ? {} : { text: trimmed }), ...correlated };
}

/** The sequence number of an existing message: 1 or more. */
function requiredMessageSeq(body: Body): number {
  const seq = own(body, 'seq');
  if (!Number.isSafeInteger(seq) || (seq as number) < 1) throw invalidField('seq', 'a positive integer');
  return seq as number;
}

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only: a body with a `__proto__` or `constructor` key must not reach inherited values. */
function own(body: Body, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(body, key) ? body[key] : undefined;
}

function requiredRoom(body: Body): RoomName {
  return parseRoomField(own(body, 'room'));
}

/** `text`, or `data` as the classic walkthrough sends it. */
function requiredText(body: Body): string {
  const text = own(body, 'text') ?? own(body, 'data');
  if (typeof text !== 'string') throw invalidField('text', 'a string');
  if (text.trim().length === 0) throw invalidField('text', 'non-empty');
  if (hasLoneSurrogate(text)) throw invalidField('text', 'valid Unicode text');
  return text;
}

function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}

function optionalRequestId(body: Body): string | undefined {
  const value = own(body, 'requestId');
  if (value === undefined) return undefined;
  if (!isRequestId(value)) throw invalidField('requestId', '1-64 printable ASCII characters');
  return value;
}

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
