// Test fake for UserStatusPort: a map from user to the status they set.

import type { UserId, UserStatus, UserStatusPort } from '../../src/domain/index.js';

export class InMemoryUserStatus implements UserStatusPort {
  private readonly statuses = new Map<UserId, UserStatus>();

  async get(userId: UserId): Promise<UserStatus | undefined> {
    return this.statuses.get(userId);
  }

  async set(userId: UserId, status: UserStatus): Promise<void> {
    this.statuses.set(userId, status);
  }
}
