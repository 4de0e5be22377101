// Domain model: reactions to a stored message (one of each per user, a bounded set per message), and
// the summaries clients see: each reaction with its count and, for the reader, whether it is theirs.

/** Distinct reactions one message may carry; a new one beyond this is refused (`too_many_reactions`). */
export const MAX_REACTION_KINDS = 20;

/**
 * How long a message's reaction changes gather before one `reactions_updated` goes to the conversation
 * (with a fan-out queue): a burst of clicks costs one fan-out per message per window, not one per click.
 */
export const REACTION_SUMMARY_DELAY_SECONDS = 1;

/** A message's reaction counts, by reaction. Zero counts may be present and mean nothing. */
export type ReactionCounts = Readonly<Record<string, number>>;

/** One reaction of a message as clients see it. */
export interface ReactionSummary {
  readonly reaction: string;
  readonly count: number;
  /** Whether the reader gave it: in history, joins and the reply to `react`; absent in fan-out events. */
  readonly mine?: boolean;
}

/**
 * The reactions with a count above zero, most given first (ties by reaction, so the order is stable).
 * With `mine`, each entry says whether the reader gave it.
 */
export function summarise(counts: ReactionCounts, mine?: ReadonlySet<string>): ReactionSummary[] {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([reaction, count]) =>
      mine === undefined ? { reaction, count } : { reaction, count, mine: mine.has(reaction) },
    );
}

/** A change one user makes to their reactions on one message. */
export interface ReactionChange {
  readonly seq: number;
  readonly userId: string;
  readonly reaction: string;
  /** True to add the reaction, false to take it back. */
  readonly on: boolean;
}
