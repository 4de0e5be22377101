// Driven adapter support: reading the member and status records back into domain values. A status is
// stored on its own item and copied onto members, so both read it the same way.

import { DEFAULT_STATUS, isStatusName, type Membership, type UserStatus } from '../../domain/index.js';

/** A stored status; an unknown status word (written by a later version) reads as the default. */
export function toUserStatus(stored: unknown): UserStatus {
  const { status, text, changedAt } = stored as Record<string, unknown>;
  return {
    status: isStatusName(status) ? status : DEFAULT_STATUS.status,
    ...(typeof text === 'string' ? { text } : {}),
    ...(typeof changedAt === 'number' ? { changedAt } : {}),
  };
}

export function toMembership(item: Record<string, unknown>): Membership {
  return {
    room: item['room'] as string,
    connectionId: item['connectionId'] as string,
    userId: item['userId'] as string,
    displayName: item['displayName'] as string,
    joinedAt: item['joinedAt'] as number,
    expiresAt: item['expiresAt'] as number,
    ...(item['status'] === undefined ? {} : { status: toUserStatus(item['status']) }),
  };
}
