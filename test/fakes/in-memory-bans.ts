// Test fake for BanPort: a set of room and user pairs.

import type { BanPort, RoomName, UserId } from '../../src/domain/index.js';

export class InMemoryBans implements BanPort {
  private readonly banned = new Set<string>();

  async isBanned(room: RoomName, userId: UserId): Promise<boolean> {
    return this.banned.has(key(room, userId));
  }

  async ban(room: RoomName, userId: UserId): Promise<void> {
    this.banned.add(key(room, userId));
  }

  async unban(room: RoomName, userId: UserId): Promise<boolean> {
    return this.banned.delete(key(room, userId));
  }
}

// Neither room names nor user ids hold a space.
const key = (room: RoomName, userId: UserId): string => `${room} ${userId}`;
