// Driven adapter support: how reaction counts sit on a message item. Each reaction's count is its own
// top-level number attribute (`rx:<reaction>`), so one UpdateItem ADD changes it atomically; the set of
// distinct reactions (`rxKinds`) bounds how many there may be.

import type { ReactionCounts } from '../../domain/index.js';

export const REACTION_COUNT_PREFIX = 'rx:';
export const REACTION_KINDS = 'rxKinds';
/** When the message's current gathering window opened (epoch ms); absent when no summary is due. */
export const REACTIONS_PENDING = 'rxPending';

export function reactionCountAttribute(reaction: string): string {
  return `${REACTION_COUNT_PREFIX}${reaction}`;
}

/** The counts stored on a message item; undefined when it has none. */
export function reactionCountsOf(item: Record<string, unknown>): ReactionCounts | undefined {
  let counts: Record<string, number> | undefined;
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(REACTION_COUNT_PREFIX) && typeof value === 'number') {
      counts ??= {};
      counts[name.slice(REACTION_COUNT_PREFIX.length)] = value;
    }
  }
  return counts;
}
