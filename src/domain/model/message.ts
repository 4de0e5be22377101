// Domain model: a persisted chat message, in a room or in a direct conversation between two users.

import type { Identity, UserId } from './identity.js';
import type { ReactionCounts } from './reactions.js';
import type { RoomName } from './room.js';

/** Where a message lives. Each conversation has its own gap-free sequence starting at 1. */
export type Conversation =
  | { readonly kind: 'room'; readonly room: RoomName }
  | { readonly kind: 'direct'; readonly users: readonly [UserId, UserId] };

export function roomConversation(room: RoomName): Conversation {
  return { kind: 'room', room };
}

/** The two users in a stable order, so A->B and B->A share one conversation. */
export function directConversation(a: UserId, b: UserId): Conversation {
  return { kind: 'direct', users: a <= b ? [a, b] : [b, a] };
}

/** A stable key for a conversation; `#` cannot occur in room names or user ids. */
export function conversationKey(conversation: Conversation): string {
  return conversation.kind === 'room'
    ? `room#${conversation.room}`
    : `dm#${conversation.users[0]}#${conversation.users[1]}`;
}

/**
 * An edit or a delete of an earlier message. It is stored as an entry of its own, with the next sequence
 * number of the conversation, so a client catching up after any absence meets it in order, however old
 * the message it changes.
 */
export interface Amendment {
  readonly kind: 'edit' | 'delete';
  /** The sequence number of the message it changes. */
  readonly target: number;
}

/** What a use case asks the message log to append; the log assigns the sequence number. */
export interface MessageDraft {
  readonly conversation: Conversation;
  readonly messageId: string;
  readonly from: Identity;
  /** Only for direct messages: the recipient. */
  readonly to?: UserId;
  readonly text: string;
  readonly sentAt: number;
  /** Client-chosen idempotency key; the same key from the same user is accepted once per conversation. */
  readonly clientMsgId?: string;
  readonly expiresAt: number;
  /** Present on an edit or a delete entry: what it changes. `from` is who changed it; `text` the new text. */
  readonly amends?: Amendment;
  /** On a message: when it was last edited. */
  readonly editedAt?: number;
  /** On a message: when it was deleted (its text is gone from storage). */
  readonly deletedAt?: number;
}

export interface StoredMessage extends MessageDraft {
  readonly seq: number;
  /** On a message: how many users gave each reaction (kept on the message by the reactions port). */
  readonly reactions?: ReactionCounts;
  /** Filled in for one reader (history, joins), never stored: the reactions that reader gave. */
  readonly myReactions?: readonly string[];
}
