// Use cases for backends that keep a user out of a room: ban (stored, then the user's live memberships
// of the room end) and unban, through the HTTP API and the CLI. Joins and sends read the ban.
// (HTTP API / CLI) --> ban / unban --> bans, remove member

import type { UserId } from '../../model/identity.js';
import { ChatError } from '../../protocol/errors.js';
import type { RoomName } from '../../model/room.js';
import type { BanPort } from '../../ports/ban.port.js';
import type { ClockPort } from '../../ports/clock.port.js';
import type { RemoveMember } from '../remove-member.js';

export interface BansDeps {
  readonly bans?: BanPort;
  readonly clock: ClockPort;
}

export class Bans {
  constructor(
    private readonly deps: BansDeps,
    private readonly removeMember: RemoveMember,
  ) {}

  /**
   * Stored first, so a join racing the ban is refused or, if it passed its check before, its
   * membership is among those ended here. Returns how many live connections left the room.
   */
  async ban(room: RoomName, userId: UserId): Promise<{ removed: number }> {
    await this.store().ban(room, userId, this.deps.clock.now());
    return { removed: await this.removeMember.evict(room, userId, true) };
  }

  /** Lifts the ban; `unbanned` is false when there was none (still a success: the wish is met). */
  async unban(room: RoomName, userId: UserId): Promise<{ unbanned: boolean }> {
    return { unbanned: await this.store().unban(room, userId) };
  }

  private store(): BanPort {
    // A chat assembled without a ban store (a tool, a test) has no ban routes to serve.
    if (this.deps.bans === undefined) throw new ChatError('unavailable', 'This chat keeps no bans');
    return this.deps.bans;
  }
}
