// Port (driven): how far each user has read each conversation, kept per user so every device agrees.

import type { UserId } from '../model/identity.js';
import type { Conversation } from '../model/message.js';

export interface ReadMarker {
  readonly conversation: Conversation;
  /** The highest sequence number the user has read; 0 when they read nothing yet. */
  readonly readSeq: number;
}

export interface ReadMarkersPort {
  /**
   * Moves the user's marker in the conversation forward to `seq`, never back, and keeps it until
   * `expiresAt`. Resolves with the marker as it is afterwards.
   */
  markRead(userId: UserId, conversation: Conversation, seq: number, expiresAt: number): Promise<number>;

  /** The user's marker in the conversation: 0 when there is none (or it expired). */
  readSeq(userId: UserId, conversation: Conversation): Promise<number>;

  /** Makes sure the user has a marker in the conversation (at 0 when new), without moving one. */
  track(userId: UserId, conversation: Conversation, expiresAt: number): Promise<void>;

  /** The user's unexpired markers, at most `limit` of them, in no particular order. */
  markers(userId: UserId, limit: number): Promise<ReadMarker[]>;
}
