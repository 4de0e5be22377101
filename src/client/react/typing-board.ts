// React bindings: who is typing in one room. A `typing: false` may never come (a closed tab), so each
// signal expires on its own after a while, as docs/protocol.md advises.

import type { Clock, TimerHandle } from '../clock.js';
import type { Identity } from '../protocol.js';
import { Cell } from './cell.js';

const NOBODY: readonly Identity[] = [];

export class TypingBoard {
  /** Who is typing, by display name. */
  readonly typists = new Cell<readonly Identity[]>(NOBODY);
  private readonly expiries = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly expiresMs: number,
  ) {}

  update(user: Identity, isTyping: boolean): void {
    const expiry = this.expiries.get(user.userId);
    if (expiry !== undefined) this.clock.clearTimeout(expiry);
    this.expiries.delete(user.userId);
    const others = this.typists.get().filter((typist) => typist.userId !== user.userId);
    if (!isTyping) {
      if (others.length !== this.typists.get().length) this.typists.set(others);
      return;
    }
    this.expiries.set(
      user.userId,
      this.clock.setTimeout(() => this.update(user, false), this.expiresMs),
    );
    const known = this.typists.get().find((typist) => typist.userId === user.userId);
    if (known?.displayName === user.displayName) return;
    this.typists.set(
      [...others, { userId: user.userId, displayName: user.displayName }].sort(
        (a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId),
      ),
    );
  }

  clear(): void {
    for (const expiry of this.expiries.values()) this.clock.clearTimeout(expiry);
    this.expiries.clear();
    this.typists.set(NOBODY);
  }
}
