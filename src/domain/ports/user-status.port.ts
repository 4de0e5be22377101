// Port (driven): each user's own status, kept apart from their connections so it outlives them.

import type { UserId } from '../model/identity.js';
import type { UserStatus } from '../model/user-status.js';

export interface UserStatusPort {
  /** The status the user last set, or undefined when they never set one. */
  get(userId: UserId): Promise<UserStatus | undefined>;

  /** Replaces the user's status. */
  set(userId: UserId, status: UserStatus): Promise<void>;
}
