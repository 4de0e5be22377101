// Port (driven): the ordered, idempotent log of messages per conversation (rooms and direct conversations).

import type { Conversation, MessageDraft, StoredMessage } from '../model/message.js';

export interface AppendResult {
  readonly message: StoredMessage;
  /** True when the draft's clientMsgId was already accepted: `message` is the original, nothing was written. */
  readonly duplicate: boolean;
}

export interface ReadRange {
  /** Only messages with a sequence number greater than this. */
  readonly after?: number;
  /** Only messages with a sequence number lower than this. */
  readonly before?: number;
  readonly limit: number;
}

export interface MessagePage {
  /** Oldest first. */
  readonly messages: readonly StoredMessage[];
  /** True when the range holds more messages than were returned. */
  readonly hasMore: boolean;
}

export interface MessageLogPort {
  /**
   * Assigns the conversation's next sequence number (gap-free, starting at 1) and stores the message,
   * atomically. With a clientMsgId already used by the same sender in the same conversation, stores
   * nothing and returns the original message with `duplicate: true`.
   */
  append(draft: MessageDraft): Promise<AppendResult>;

  /**
   * Reads unexpired messages in a range, oldest first. With `after`, the page starts just after it;
   * otherwise the page is the newest `limit` messages before `before` (or before the end).
   */
  read(conversation: Conversation, range: ReadRange): Promise<MessagePage>;

  /** The last sequence number handed out in the conversation (expired messages included); 0 when none. */
  latestSeq(conversation: Conversation): Promise<number>;
}
