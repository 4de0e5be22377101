// Test fake for MessageReactionsPort: keeps who reacted in a set and the counts on the fake message
// log's entries, as the table keeps them on the message item, with the same refusals and window rules.

import {
  conversationKey,
  ReactionRefused,
  type ClockPort,
  type Conversation,
  type MessageReactionsPort,
  type ReactionChange,
  type ReactionCounts,
  type ReactOutcome,
} from '../../src/domain/index.js';
import type { InMemoryMessageLog } from './in-memory-message-log.js';

export class InMemoryMessageReactions implements MessageReactionsPort {
  /** `<conversation>|<user>|<seq>|<reaction>` -> when the record of it expires. */
  private readonly given = new Map<string, number>();
  /** `<conversation>|<seq>` -> when the message's gathering window opened. */
  private readonly windows = new Map<string, number>();
  /** Every change asked for, refused ones included (what a test counts as a write). */
  changes = 0;

  constructor(
    private readonly log: InMemoryMessageLog,
    private readonly clock: ClockPort,
    private readonly staleWindowMs = 60_000,
  ) {}

  async react(
    conversation: Conversation,
    change: ReactionChange,
    limits: { readonly maxKinds: number; readonly expiresAt: number },
  ): Promise<ReactOutcome> {
    this.changes += 1;
    const now = this.clock.now();
    const { seq, userId, reaction, on } = change;
    const message = this.log.patch(conversation, seq);
    if (
      message === undefined ||
      message.amends !== undefined ||
      message.deletedAt !== undefined ||
      message.expiresAt <= now
    ) {
      throw new ReactionRefused('no_message');
    }
    const key = `${conversationKey(conversation)}|${userId}|${seq}|${reaction}`;
    const had = (this.given.get(key) ?? 0) > now;
    const counts = { ...message.reactions };
    if (on && !had && !(reaction in counts) && Object.keys(counts).length >= limits.maxKinds) {
      throw new ReactionRefused('too_many_kinds');
    }
    const changed = on !== had;
    if (changed) {
      if (on) this.given.set(key, limits.expiresAt);
      else this.given.delete(key);
      counts[reaction] = (counts[reaction] ?? 0) + (on ? 1 : -1);
      this.log.patch(conversation, seq, (stored) => ({ ...stored, reactions: counts }));
    }
    let summaryDue = false;
    if (changed) {
      const windowKey = `${conversationKey(conversation)}|${seq}`;
      const openedAt = this.windows.get(windowKey);
      if (openedAt === undefined || now - openedAt >= this.staleWindowMs) {
        this.windows.set(windowKey, now);
        summaryDue = true;
      }
    }
    const mine = await this.mine(conversation, userId, [seq]);
    return { changed, counts, mine: mine.get(seq) ?? [], summaryDue };
  }

  async mine(
    conversation: Conversation,
    userId: string,
    seqs: readonly number[],
  ): Promise<Map<number, string[]>> {
    const now = this.clock.now();
    const found = new Map<number, string[]>();
    const prefix = `${conversationKey(conversation)}|${userId}|`;
    for (const [key, expiresAt] of this.given) {
      if (!key.startsWith(prefix) || expiresAt <= now) continue;
      const [seqText, ...reaction] = key.slice(prefix.length).split('|');
      const seq = Number(seqText);
      if (!seqs.includes(seq)) continue;
      found.set(seq, [...(found.get(seq) ?? []), reaction.join('|')]);
    }
    return found;
  }

  async takeSummary(conversation: Conversation, seq: number): Promise<ReactionCounts | undefined> {
    this.windows.delete(`${conversationKey(conversation)}|${seq}`);
    const message = this.log.patch(conversation, seq);
    if (message === undefined || message.deletedAt !== undefined) return undefined;
    const counts = { ...message.reactions };
    const kept = Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
    this.log.patch(conversation, seq, (stored) => ({ ...stored, reactions: kept }));
    return counts;
  }
}
