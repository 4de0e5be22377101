// React bindings: the room reactions a `useRoomReactions` hook shows: the latest few, this user's own
// included (the service does not echo them to the sending connection), for a page to animate.

import type { Identity } from '../protocol.js';
import { Cell } from './cell.js';

export interface ShownReaction {
  /** Unique within the store: a key for the element that shows it. */
  readonly id: number;
  readonly user: Identity;
  readonly reaction: string;
  readonly at: number;
}

/** How many reactions a room keeps: enough for a burst on screen, never a growing list. */
export const KEPT_REACTIONS = 20;

export class ReactionFeed {
  readonly recent = new Cell<readonly ShownReaction[]>([]);

  add(reaction: ShownReaction): void {
    this.recent.update((list) => [...list, reaction].slice(-KEPT_REACTIONS));
  }

  clear(): void {
    this.recent.set([]);
  }
}
