// Client SDK: the wire protocol as a client sees it. Server events come from the domain as types only
// (erased at build time, so nothing server-side reaches a browser bundle); client frames are the raw
// JSON shapes of docs/protocol.md, which differ from the domain's parsed actions.

import type {
  MessageDeletedEvent,
  MessageUpdatedEvent,
  ReactionsUpdatedEvent,
  AckEvent,
  DirectMessageEvent,
  HistoryEvent,
  JoinedEvent,
  LeftEvent,
  MemberRemovedEvent,
  PongEvent,
  PresenceEvent,
  ReadMarkerEvent,
  RoomMessageEvent,
  StatusEvent,
  UnreadEvent,
  WhoAmIEvent,
} from '../domain/protocol/server-events.js';

export type {
  ReactionsUpdatedEvent,
  AmendmentEvent,
  ConversationEntryEvent,
  MessageDeletedEvent,
  MessageUpdatedEvent,
  AckEvent,
  DirectMessageEvent,
  HistoryEvent,
  JoinedEvent,
  LeftEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  MemberRemovedEvent,
  NoticeEvent,
  OccupancyEvent,
  PongEvent,
  PresenceEntry,
  PresenceEvent,
  ReadMarkerEvent,
  RemovedEvent,
  RoomMessageEvent,
  RoomReactionEvent,
  ServerEvent,
  StatusChangedEvent,
  StatusEvent,
  TypingEvent,
  UnreadEntry,
  UnreadEvent,
  WhoAmIEvent,
} from '../domain/protocol/server-events.js';
export type { ErrorCode, ErrorEvent } from '../domain/protocol/errors.js';
export type { Identity } from '../domain/model/identity.js';
export type { StatusName } from '../domain/model/user-status.js';
export type { ReactionSummary } from '../domain/model/reactions.js';

interface Correlated {
  readonly requestId?: string;
}

export interface JoinFrame extends Correlated {
  readonly action: 'join';
  readonly room: string;
  readonly since?: number;
}
export interface LeaveFrame extends Correlated {
  readonly action: 'leave';
  readonly room: string;
}
export interface SendMessageFrame extends Correlated {
  readonly action: 'sendMessage';
  readonly room: string;
  readonly text: string;
  readonly clientMsgId: string;
}
export interface SendDirectFrame extends Correlated {
  readonly action: 'sendDirect';
  readonly to: string;
  readonly text: string;
  readonly clientMsgId: string;
}
export interface EditMessageFrame extends Correlated {
  readonly action: 'editMessage';
  readonly room?: string;
  readonly with?: string;
  readonly seq: number;
  readonly text: string;
}
export interface DeleteMessageFrame extends Correlated {
  readonly action: 'deleteMessage';
  readonly room?: string;
  readonly with?: string;
  readonly seq: number;
}
export interface ReactFrame extends Correlated {
  readonly action: 'react';
  readonly room?: string;
  readonly with?: string;
  readonly seq: number;
  readonly reaction: string;
  readonly on?: boolean;
}
export interface HistoryFrame extends Correlated {
  readonly action: 'history';
  readonly room?: string;
  readonly with?: string;
  readonly after?: number;
  readonly before?: number;
  readonly limit?: number;
}
export interface PresenceFrame extends Correlated {
  readonly action: 'presence';
  readonly room: string;
}
export interface TypingFrame extends Correlated {
  readonly action: 'typing';
  readonly room: string;
  readonly isTyping: boolean;
}
export interface RoomReactionFrame extends Correlated {
  readonly action: 'roomReaction';
  readonly room: string;
  readonly reaction: string;
}
export interface SetStatusFrame extends Correlated {
  readonly action: 'setStatus';
  readonly status: 'available' | 'away' | 'busy';
  readonly text?: string;
}
export interface MarkReadFrame extends Correlated {
  readonly action: 'markRead';
  readonly room?: string;
  readonly with?: string;
  readonly seq: number;
}
export interface UnreadFrame extends Correlated {
  readonly action: 'unread';
}
export interface PingFrame extends Correlated {
  readonly action: 'ping';
}
export interface WhoAmIFrame extends Correlated {
  readonly action: 'whoami';
}
export interface RemoveMemberFrame extends Correlated {
  readonly action: 'removeMember';
  readonly room: string;
  readonly member: string;
}

export type ClientFrame =
  | JoinFrame
  | LeaveFrame
  | SendMessageFrame
  | SendDirectFrame
  | EditMessageFrame
  | DeleteMessageFrame
  | ReactFrame
  | HistoryFrame
  | PresenceFrame
  | TypingFrame
  | RoomReactionFrame
  | SetStatusFrame
  | MarkReadFrame
  | UnreadFrame
  | PingFrame
  | WhoAmIFrame
  | RemoveMemberFrame;

/** Which reply each action expects; `typing` and `roomReaction` have none on success. */
export interface ReplyOf {
  join: JoinedEvent;
  leave: LeftEvent;
  sendMessage: AckEvent;
  sendDirect: AckEvent;
  editMessage: MessageUpdatedEvent;
  deleteMessage: MessageDeletedEvent;
  react: ReactionsUpdatedEvent;
  history: HistoryEvent;
  presence: PresenceEvent;
  setStatus: StatusEvent;
  markRead: ReadMarkerEvent;
  unread: UnreadEvent;
  ping: PongEvent;
  whoami: WhoAmIEvent;
  removeMember: MemberRemovedEvent;
}

export type RepliedAction = keyof ReplyOf;

/** A message in a room or a direct conversation: both carry a per-conversation `seq`. */
export type ConversationMessage = RoomMessageEvent | DirectMessageEvent;

/** Every action a client may send; the compiler checks it against `ClientFrame` both ways. */
const ACTION_NAMES: { readonly [A in ClientFrame['action']]: true } = {
  join: true,
  leave: true,
  sendMessage: true,
  sendDirect: true,
  editMessage: true,
  deleteMessage: true,
  react: true,
  history: true,
  presence: true,
  typing: true,
  roomReaction: true,
  setStatus: true,
  markRead: true,
  unread: true,
  ping: true,
  whoami: true,
  removeMember: true,
};

// Marked pure so that a page which never reads the list does not bundle it.
export const CLIENT_ACTIONS = /* @__PURE__ */ Object.keys(ACTION_NAMES) as readonly ClientFrame['action'][];
