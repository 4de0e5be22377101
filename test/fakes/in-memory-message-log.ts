// Test fake for MessageLogPort: per-conversation arrays with a counter and an idempotency index.

import {
  conversationKey,
  type Amendment,
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

  async get(conversation: Conversation, seq: number): Promise<StoredMessage | undefined> {
    const message = this.logs.get(conversationKey(conversation))?.[seq - 1];
    return message !== undefined && message.expiresAt > this.clock.now() ? message : undefined;
  }

  async amend(draft: MessageDraft & { readonly amends: Amendment }): Promise<StoredMessage> {
    const log = this.logs.get(conversationKey(draft.conversation)) ?? [];
    this.logs.set(conversationKey(draft.conversation), log);
    const index = draft.amends.target - 1;
    const target = log[index];
    const live =
      target !== undefined && target.deletedAt === undefined && target.expiresAt > this.clock.now();
    // Deleted (or gone) meanwhile: the entry is stored as a delete, so the sequence has no hole.
    const amends: Amendment = live ? draft.amends : { kind: 'delete', target: draft.amends.target };
    const entry: StoredMessage = {
      ...draft,
      amends,
      text: amends.kind === 'edit' ? draft.text : '',
      seq: log.length + 1,
    };
    log.push(entry);
    if (live && amends.kind === 'edit') {
      log[index] = { ...target, text: draft.text, editedAt: draft.sentAt };
    } else if (live) {
      log[index] = { ...target, text: '', deletedAt: draft.sentAt };
      // The text of earlier edits goes too.
      log.forEach((stored, i) => {
        if (stored.amends?.target === draft.amends.target && stored.amends.kind === 'edit')
          log[i] = { ...stored, text: '' };
      });
    }
    return entry;
  }

  /**
   * The stored entry, for the reactions fake that keeps its counts on it (as the table does); `change`
   * returns its new version. Undefined when there is no such entry.
   */
  patch(
    conversation: Conversation,
    seq: number,
    change?: (message: StoredMessage) => StoredMessage,
  ): StoredMessage | undefined {
    const log = this.logs.get(conversationKey(conversation));
    const message = log?.[seq - 1];
    if (log === undefined || message === undefined) return undefined;
    if (change !== undefined) log[seq - 1] = change(message);
    return log[seq - 1];
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
