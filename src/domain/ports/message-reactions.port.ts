// Port (driven): reactions to stored messages: who gave which (one of each per user), the counts kept
// with each message, and the flag that gathers a burst of changes into one summary fan-out.

import type { Conversation } from '../model/message.js';
import type { ReactionChange, ReactionCounts } from '../model/reactions.js';

export interface ReactOutcome {
  /** False when the change was already so (a second "on", an "off" of a reaction not given): nothing stored. */
  readonly changed: boolean;
  /** The message's counts just after the change. */
  readonly counts: ReactionCounts;
  /** Every reaction the user has given this message, after the change. */
  readonly mine: readonly string[];
  /**
   * True for the first change since the last summary went out (or since a pending one went stale): this
   * caller must see that a summary is sent. Every other change in the window rides on that summary.
   */
  readonly summaryDue: boolean;
}

/** Why a reaction was refused. */
export type ReactRefusal = 'no_message' | 'too_many_kinds';

export class ReactionRefused extends Error {
  override readonly name = 'ReactionRefused';
  constructor(readonly reason: ReactRefusal) {
    super(reason === 'no_message' ? 'no such message' : 'too many distinct reactions');
  }
}

export interface MessageReactionsPort {
  /**
   * Adds or takes back one user's reaction, atomically with the message's count, refusing with
   * `ReactionRefused`: `no_message` when the target is not a live, undeleted message (an edit or delete
   * entry included), `too_many_kinds` when an "on" would give the message more than `maxKinds` distinct
   * reactions. `expiresAt` (epoch ms) bounds how long the record of who reacted is kept.
   */
  react(
    conversation: Conversation,
    change: ReactionChange,
    limits: { readonly maxKinds: number; readonly expiresAt: number },
  ): Promise<ReactOutcome>;

  /** For each of these messages, the reactions this user gave (messages without any are left out). */
  mine(conversation: Conversation, userId: string, seqs: readonly number[]): Promise<Map<number, string[]>>;

  /**
   * Ends the message's gathering window and returns its counts as they stand, so that a change made
   * after this call starts a new window. Undefined when the message is gone.
   */
  takeSummary(conversation: Conversation, seq: number): Promise<ReactionCounts | undefined>;
}
