// Protocol: every event the service pushes to a client (see docs/protocol.md for examples).

import type { ConnectionId } from '../model/connection.js';
import type { Identity, UserId } from '../model/identity.js';
import type { RoomName } from '../model/room.js';
import type { StoredMessage } from '../model/message.js';
import type { StatusName } from '../model/user-status.js';
import type { Occupancy } from '../model/occupancy.js';
import { summarise, type ReactionSummary } from '../model/reactions.js';
import type { ErrorEvent } from './errors.js';

export interface RoomMessageEvent {
  readonly type: 'message';
  readonly room: RoomName;
  readonly seq: number;
  readonly messageId: string;
  readonly from: Identity;
  readonly text: string;
  readonly sentAt: number;
  /** In history and catch-up: the message as last edited, and when. */
  readonly editedAt?: number;
  /** In history and catch-up: a deleted message's tombstone (its `text` is empty). */
  readonly deletedAt?: number;
  /** In history and catch-up: the message's reactions, each saying whether the reader gave it. */
  readonly reactions?: readonly ReactionSummary[];
}

export interface DirectMessageEvent {
  readonly type: 'direct';
  readonly from: Identity;
  readonly to: UserId;
  readonly seq: number;
  readonly messageId: string;
  readonly text: string;
  readonly sentAt: number;
  readonly editedAt?: number;
  readonly deletedAt?: number;
  readonly reactions?: readonly ReactionSummary[];
}

/** Where an edit or a delete happened: a room, or the direct conversation of two users. */
interface AmendedConversation {
  readonly room?: RoomName;
  /** A direct conversation's two users, sorted. */
  readonly users?: readonly [UserId, UserId];
}

/**
 * A message was edited. It has its own `seq` in the conversation (clients apply it in order, and meet it
 * when catching up); `target` is the edited message's `seq`, `by` who edited it.
 */
export interface MessageUpdatedEvent extends AmendedConversation {
  readonly type: 'message_updated';
  readonly requestId?: string;
  readonly seq: number;
  readonly messageId: string;
  readonly target: number;
  readonly by: Identity;
  readonly text: string;
  readonly at: number;
}

/** A message was deleted: its text is gone; clients show a tombstone. Ordered like an edit. */
export interface MessageDeletedEvent extends AmendedConversation {
  readonly type: 'message_deleted';
  readonly requestId?: string;
  readonly seq: number;
  readonly messageId: string;
  readonly target: number;
  readonly by: Identity;
  readonly at: number;
}

export type AmendmentEvent = MessageUpdatedEvent | MessageDeletedEvent;

/**
 * A message's reactions changed. As the reply to `react` (with `requestId`), at once, each entry says
 * whether the caller gave it (`mine`). To the whole conversation, at most once per message per gathering
 * window, without `mine`: a burst of reactions costs one fan-out. `seq` is the message's.
 */
export interface ReactionsUpdatedEvent extends AmendedConversation {
  readonly type: 'reactions_updated';
  readonly requestId?: string;
  readonly seq: number;
  readonly reactions: readonly ReactionSummary[];
}

/** Everything with a place in a conversation's sequence. */
export type ConversationEntryEvent = RoomMessageEvent | DirectMessageEvent | AmendmentEvent;

export interface AckEvent {
  readonly type: 'ack';
  readonly requestId?: string;
  readonly clientMsgId?: string;
  readonly room?: RoomName;
  readonly to?: UserId;
  readonly seq: number;
  readonly messageId: string;
  readonly sentAt: number;
  /** True when this clientMsgId was already accepted: nothing new was stored or delivered. */
  readonly duplicate: boolean;
}

/** One user in a room, however many connections (tabs, devices) they have in it. */
export interface PresenceEntry {
  readonly userId: UserId;
  readonly displayName: string;
  readonly connections: number;
  readonly status: StatusName;
  /** The user's own words about their status, when they gave some. */
  readonly statusText?: string;
}

export interface PresenceSnapshot {
  readonly members: readonly PresenceEntry[];
  /** True when the room holds more users than one snapshot lists. */
  readonly truncated: boolean;
}

export interface JoinedEvent extends PresenceSnapshot {
  readonly type: 'joined';
  readonly requestId?: string;
  readonly room: RoomName;
  /** How far this user has read the room (on any device), its last sequence number, and the difference. */
  readonly readSeq: number;
  readonly lastSeq: number;
  readonly unread: number;
  /** How many connections and users the room holds, this one counted (when the service counts). */
  readonly occupancy?: Occupancy;
  /**
   * Present when the join asked for `since`: what came after that sequence number, oldest first:
   * messages, and the edits and deletes that have their own numbers.
   */
  readonly missed?: readonly (RoomMessageEvent | AmendmentEvent)[];
  /** True when more was missed than `missed` holds; page on with `history`. */
  readonly hasMore?: boolean;
}

export interface LeftEvent {
  readonly type: 'left';
  readonly requestId?: string;
  readonly room: RoomName;
}

export interface PresenceEvent extends PresenceSnapshot {
  readonly type: 'presence';
  readonly requestId?: string;
  readonly room: RoomName;
}

export interface MemberJoinedEvent {
  readonly type: 'member_joined';
  readonly room: RoomName;
  readonly user: Identity;
}

export interface MemberLeftEvent {
  readonly type: 'member_left';
  readonly room: RoomName;
  readonly user: Identity;
}

export interface TypingEvent {
  readonly type: 'typing';
  readonly room: RoomName;
  readonly user: Identity;
  readonly isTyping: boolean;
}

/** A room's counts changed; sent at most once every few seconds per room, to everyone in it. */
export interface OccupancyEvent extends Occupancy {
  readonly type: 'occupancy';
  readonly room: RoomName;
}

export interface RoomReactionEvent {
  readonly type: 'room_reaction';
  readonly room: RoomName;
  readonly user: Identity;
  readonly reaction: string;
  readonly sentAt: number;
}

/** A member of the room set a new status (announced under the same large-room rule as joins). */
export interface StatusChangedEvent {
  readonly type: 'status_changed';
  readonly room: RoomName;
  readonly user: Identity;
  readonly status: StatusName;
  readonly statusText?: string;
}

/** The reply to `setStatus`: the status now shown for the caller. */
export interface StatusEvent {
  readonly type: 'status';
  readonly requestId?: string;
  readonly status: StatusName;
  readonly statusText?: string;
}

/**
 * The caller's read marker in a conversation: the reply to `markRead`, and news to the user's other
 * connections that it moved (those carry no requestId).
 */
export interface ReadMarkerEvent {
  readonly type: 'read_marker';
  readonly requestId?: string;
  readonly room?: RoomName;
  readonly with?: UserId;
  readonly readSeq: number;
  readonly lastSeq: number;
  readonly unread: number;
}

export interface UnreadEntry {
  readonly room?: RoomName;
  readonly with?: UserId;
  readonly readSeq: number;
  readonly lastSeq: number;
  readonly unread: number;
}

/** The reply to `unread`: each followed conversation's read state, most unread first. */
export interface UnreadEvent {
  readonly type: 'unread';
  readonly requestId?: string;
  readonly conversations: readonly UnreadEntry[];
  /** True when the user follows more conversations than one answer lists. */
  readonly truncated: boolean;
}

export interface HistoryEvent {
  readonly type: 'history';
  readonly requestId?: string;
  readonly room?: RoomName;
  readonly with?: UserId;
  /** Messages in their latest version (a deleted one as a tombstone), and edit and delete entries. */
  readonly messages: readonly ConversationEntryEvent[];
  readonly hasMore: boolean;
}

export interface PongEvent {
  readonly type: 'pong';
  readonly requestId?: string;
  readonly serverTime: number;
}

/** An announcement a backend broadcast to every connection; not stored. */
export interface NoticeEvent {
  readonly type: 'notice';
  readonly messageId: string;
  readonly from: Identity;
  readonly text: string;
  readonly sentAt: number;
}

export interface WhoAmIEvent {
  readonly type: 'whoami';
  readonly requestId?: string;
  readonly connectionId: ConnectionId;
  readonly user: Identity;
  readonly connectedAt?: number;
  /** The `@connections` endpoint a backend uses to push to this connection, when known. */
  readonly endpoint?: string;
}

/** To each connection of a user a moderator or a backend took out of a room (no requestId: unasked). */
export interface RemovedEvent {
  readonly type: 'removed';
  readonly room: RoomName;
  /** True when the user is also banned from the room: joining again is refused. */
  readonly banned: boolean;
}

/** The reply to `removeMember`: how many of the user's connections were in the room and left it. */
export interface MemberRemovedEvent {
  readonly type: 'member_removed';
  readonly requestId?: string;
  readonly room: RoomName;
  readonly userId: UserId;
  readonly connections: number;
}

export type ServerEvent =
  | RoomMessageEvent
  | DirectMessageEvent
  | MessageUpdatedEvent
  | MessageDeletedEvent
  | ReactionsUpdatedEvent
  | AckEvent
  | JoinedEvent
  | LeftEvent
  | PresenceEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | TypingEvent
  | RoomReactionEvent
  | OccupancyEvent
  | StatusChangedEvent
  | StatusEvent
  | ReadMarkerEvent
  | UnreadEvent
  | HistoryEvent
  | PongEvent
  | WhoAmIEvent
  | NoticeEvent
  | RemovedEvent
  | MemberRemovedEvent
  | ErrorEvent;

export function isRoomMessage(event: ServerEvent): event is RoomMessageEvent {
  return event.type === 'message';
}

/** A room's entries: its messages and the edits and deletes made in it. */
export function isRoomEntry(event: ServerEvent): event is RoomMessageEvent | AmendmentEvent {
  return event.type === 'message' || (isAmendment(event) && event.room !== undefined);
}

export function isAmendment(event: ServerEvent): event is AmendmentEvent {
  return event.type === 'message_updated' || event.type === 'message_deleted';
}

/** A stored entry as clients see it: a message (latest version), or an edit or delete entry. */
export function toMessageEvent(message: StoredMessage): ConversationEntryEvent {
  const { conversation } = message;
  const where = conversation.kind === 'room' ? { room: conversation.room } : { users: conversation.users };
  const common = { seq: message.seq, messageId: message.messageId };
  if (message.amends !== undefined) {
    const change = {
      ...where,
      ...common,
      target: message.amends.target,
      by: message.from,
      at: message.sentAt,
    };
    return message.amends.kind === 'edit'
      ? { type: 'message_updated', ...change, text: message.text }
      : { type: 'message_deleted', ...change };
  }
  const body = {
    ...common,
    from: message.from,
    text: message.text,
    sentAt: message.sentAt,
    ...(message.editedAt === undefined ? {} : { editedAt: message.editedAt }),
    ...(message.deletedAt === undefined ? {} : { deletedAt: message.deletedAt }),
    ...reactionsOf(message),
  };
  if (conversation.kind === 'room') return { type: 'message', room: conversation.room, ...body };
  return { type: 'direct', to: message.to ?? otherUser(message), ...body };
}

/** A live message's reactions with a count, each marked for the reader when the reader is known. */
function reactionsOf(message: StoredMessage): { reactions?: ReactionSummary[] } {
  if (message.reactions === undefined || message.deletedAt !== undefined) return {};
  const mine = message.myReactions === undefined ? undefined : new Set(message.myReactions);
  const reactions = summarise(message.reactions, mine);
  return reactions.length === 0 ? {} : { reactions };
}

function otherUser(message: StoredMessage): UserId {
  if (message.conversation.kind !== 'direct') return message.from.userId;
  const [a, b] = message.conversation.users;
  return a === message.from.userId ? b : a;
}

/**
 * Size in bytes of an event as it travels: the JSON text encoded as UTF-8. API Gateway's quotas
 * (32 KB per frame) count bytes, not characters.
 */
export function encodedSize(event: ServerEvent): number {
  return utf8Length(JSON.stringify(event));
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
