// Domain model: read state. A user's marker per conversation says how far they have read; what lies
// beyond it, up to the conversation's last sequence number, is unread.

import type { UserId } from './identity.js';
import type { Conversation } from './message.js';
import type { RoomName } from './room.js';

/** A marker not moved for this long is forgotten (the conversation then counts as never read). */
export const READ_MARKER_TTL_MS = 90 * 24 * 3_600_000;

/** The most conversations one `unread` answer lists. */
export const MAX_UNREAD_CONVERSATIONS = 100;

/** How a client names a conversation: a room, or the other user of a direct conversation. */
export type ConversationTarget = { readonly room: RoomName } | { readonly with: UserId };

export function targetOf(conversation: Conversation, me: UserId): ConversationTarget {
  if (conversation.kind === 'room') return { room: conversation.room };
  const [a, b] = conversation.users;
  return { with: a === me ? b : a };
}

/** Read state of one conversation as clients see it. Sequence numbers count expired messages too. */
export interface UnreadCount {
  readonly readSeq: number;
  readonly lastSeq: number;
  readonly unread: number;
}

export function unreadCount(readSeq: number, lastSeq: number): UnreadCount {
  return { readSeq, lastSeq, unread: Math.max(0, lastSeq - readSeq) };
}
