// Test fake for MessageLogPort: per-conversation arrays with a counter and an idempotency index.

import {
  conversationKey,
  type AppendResult,
  type ClockPort,
  type Conversation,
  type MessageDraft,
  type MessageLogPort,
  type MessagePage,
  type ReadRange,
  type StoredMessage,
} from '../../src/domain/index.js';

export class InMemoryMessageLog implements MessageLogPort {
  private readonly logs = new Map<string, StoredMessage[]>();
  private readonly accepted = new Map<string, StoredMessage>();

  constructor(private readonly clock: ClockPort) {}

  async append(draft: MessageDraft): Promise<AppendResult> {
    const key = conversationKey(draft.conversation);
    const idempotencyKey =
      draft.clientMsgId === undefined ? undefined : `${key}|${draft.from.userId}|${draft.clientMsgId}`;
    const original = idempotencyKey === undefined ? undefined : this.accepted.get(idempotencyKey);
    if (original !== undefined && original.expiresAt > this.clock.now()) {
      return { message: original, duplicate: true };
    }
    const log = this.logs.get(key) ?? [];
    this.logs.set(key, log);
    const message: StoredMessage = { ...draft, seq: log.length + 1 };
    log.push(message);
    if (idempotencyKey !== undefined) this.accepted.set(idempotencyKey, message);
    return { message, duplicate: false };
  }

  async latestSeq(conversation: Conversation): Promise<number> {
    return this.logs.get(conversationKey(conversation))?.length ?? 0;
  }

  async read(conversation: Conversation, range: ReadRange): Promise<MessagePage> {
    const now = this.clock.now();
    const inRange = (this.logs.get(conversationKey(conversation)) ?? []).filter(
      (message) =>
        message.expiresAt > now &&
        (range.after === undefined || message.seq > range.after) &&
        (range.before === undefined || message.seq < range.before),
    );
    if (range.after !== undefined) {
      return { messages: inRange.slice(0, range.limit), hasMore: inRange.length > range.limit };
    }
    return { messages: inRange.slice(-range.limit), hasMore: inRange.length > range.limit };
  }

  /** Every message stored in a conversation, expired or not. */
  stored(conversation: Conversation): StoredMessage[] {
    return [...(this.logs.get(conversationKey(conversation)) ?? [])];
  }
}
