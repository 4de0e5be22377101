// Web page: what the page shows, kept apart from the DOM: the conversations (rooms and direct
// messages), their messages in order and their unread counts.

import type {
  AmendmentEvent,
  ConversationEntryEvent,
  DirectMessageEvent,
  ReactionSummary,
  RoomMessageEvent,
} from '../src/client/index.js';

export interface ShownMessage {
  readonly seq: number;
  readonly fromId: string;
  readonly fromName: string;
  readonly text: string;
  readonly sentAt: number;
  /** Edited since it was sent. */
  readonly edited: boolean;
  /** Deleted: shown as a tombstone, its text gone. */
  readonly deleted: boolean;
  /** Its reactions, most given first; `mine` marks this user's. */
  readonly reactions: readonly ReactionSummary[];
}

export interface Conversation {
  readonly key: string;
  readonly kind: 'room' | 'direct';
  /** Room name, or the peer's user id. */
  readonly target: string;
  title: string;
  readonly messages: ShownMessage[];
  unread: number;
  /** True once the first message of the conversation (seq 1) is shown, or history said there is no more. */
  complete: boolean;
}

/** The one mapping from a message the SDK delivers (live, missed or from history) to what is shown. */
export function toShown(message: RoomMessageEvent | DirectMessageEvent): ShownMessage {
  return {
    seq: message.seq,
    fromId: message.from.userId,
    fromName: message.from.displayName,
    text: message.text,
    sentAt: message.sentAt,
    edited: message.editedAt !== undefined,
    deleted: message.deletedAt !== undefined,
    reactions: message.reactions ?? [],
  };
}

/** The messages of a history page; its edit and delete entries are already applied to them. */
export function shownOf(page: readonly ConversationEntryEvent[]): ShownMessage[] {
  return page
    .filter(
      (entry): entry is RoomMessageEvent | DirectMessageEvent =>
        entry.type === 'message' || entry.type === 'direct',
    )
    .map(toShown);
}

export const roomKey = (room: string) => `room:${room}`;
export const directKey = (peer: string) => `dm:${peer}`;

export class Conversations {
  private readonly all = new Map<string, Conversation>();
  active: string | undefined;

  list(kind: Conversation['kind']): Conversation[] {
    return [...this.all.values()]
      .filter((conversation) => conversation.kind === kind)
      .sort((a, b) => a.title.localeCompare(b.title));
  }

  get(key: string): Conversation | undefined {
    return this.all.get(key);
  }

  ensure(kind: Conversation['kind'], target: string, title = target): Conversation {
    const key = kind === 'room' ? roomKey(target) : directKey(target);
    let conversation = this.all.get(key);
    if (conversation === undefined) {
      conversation = { key, kind, target, title, messages: [], unread: 0, complete: false };
      this.all.set(key, conversation);
    }
    return conversation;
  }

  remove(key: string): void {
    this.all.delete(key);
    if (this.active === key) this.active = undefined;
  }

  /** The SDK delivers each conversation in order; only older pages (scrolling back) go in front. */
  append(key: string, message: ShownMessage): void {
    const conversation = this.all.get(key);
    if (conversation === undefined) return;
    conversation.messages.push(message);
    if (message.seq === 1) conversation.complete = true;
    if (this.active !== key) conversation.unread += 1;
  }

  /** Applies an edit or a delete to the message it names, when shown. */
  amend(key: string, change: AmendmentEvent): boolean {
    const messages = this.all.get(key)?.messages;
    const index = messages?.findIndex((message) => message.seq === change.target) ?? -1;
    const shown = messages?.[index];
    if (messages === undefined || shown === undefined) return false;
    messages[index] =
      change.type === 'message_updated'
        ? { ...shown, text: change.text, edited: true }
        : { ...shown, text: '', deleted: true };
    return true;
  }

  /**
   * Shows a message's new reactions. A summary sent to everyone says nothing about whose they are, so
   * this user's own marks are kept from what the page knew (its answers to `react`, history).
   */
  react(key: string, seq: number, reactions: readonly ReactionSummary[]): boolean {
    const messages = this.all.get(key)?.messages;
    const index = messages?.findIndex((message) => message.seq === seq) ?? -1;
    const shown = messages?.[index];
    if (messages === undefined || shown === undefined) return false;
    const mine = new Set(shown.reactions.filter((r) => r.mine === true).map((r) => r.reaction));
    messages[index] = {
      ...shown,
      reactions: reactions.map((r) => ({ ...r, mine: r.mine ?? mine.has(r.reaction) })),
    };
    return true;
  }

  prepend(key: string, older: readonly ShownMessage[], hasMore: boolean): void {
    const conversation = this.all.get(key);
    if (conversation === undefined) return;
    const first = conversation.messages[0]?.seq ?? Infinity;
    conversation.messages.unshift(...older.filter((message) => message.seq < first));
    if (!hasMore || conversation.messages[0]?.seq === 1) conversation.complete = true;
  }

  /** Shows a conversation, or none (undefined). */
  activate(key: string | undefined): void {
    this.active = key;
    const conversation = key === undefined ? undefined : this.all.get(key);
    if (conversation !== undefined) conversation.unread = 0;
  }

  current(): Conversation | undefined {
    return this.active === undefined ? undefined : this.all.get(this.active);
  }
}
