// Port (driven): which users are banned from which rooms, set by backends and read on join and send.

import type { UserId } from '../model/identity.js';
import type { RoomName } from '../model/room.js';

export interface BanPort {
  /** Whether the user is banned from the room. */
  isBanned(room: RoomName, userId: UserId): Promise<boolean>;

  /** Bans the user from the room; banning again is harmless. */
  ban(room: RoomName, userId: UserId, bannedAt: number): Promise<void>;

  /** Lifts a ban; false when there was none. */
  unban(room: RoomName, userId: UserId): Promise<boolean>;
}
