// Port (driven): the ordered, idempotent log of messages per conversation (rooms and direct conversations).

import type { Amendment, Conversation, MessageDraft, StoredMessage } from '../model/message.js';

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

  /** One entry by its sequence number, a message in its latest version; undefined when absent or expired. */
  get(conversation: Conversation, seq: number): Promise<StoredMessage | undefined>;

  /**
   * Appends an edit or a delete entry (`draft.amends`) with the conversation's next sequence number and
   * applies it to its target at once: an edit replaces the target's text (and sets `editedAt`), a delete
   * removes the text of the target and of its earlier edit entries (and sets `deletedAt`). The caller has
   * checked that the target exists and may be changed; if it was deleted meanwhile, the entry is stored as
   * a delete (nothing else changes), so the sequence stays gap-free. Resolves with the entry stored.
   */
  amend(draft: MessageDraft & { readonly amends: Amendment }): Promise<StoredMessage>;

  /** The last sequence number handed out in the conversation (expired messages included); 0 when none. */
  latestSeq(conversation: Conversation): Promise<number>;
}
