// Bench support: fills a room through the real membership adapter (`RoomMembershipPort.add`, so buckets,
// growth and the shape item are as in production) with bounded concurrency, and times the join rate.

import type { RoomMembershipPort } from '../../src/domain/index.js';

export interface JoinRate {
  readonly members: number;
  readonly ms: number;
  readonly perSecond: number;
}

export async function joinRoom(
  memberships: RoomMembershipPort,
  room: string,
  connectionIds: readonly string[],
  concurrency: number,
  /** Number of the first connection's user: a room grown in steps keeps one user per connection. */
  firstUser = 0,
): Promise<JoinRate> {
  const startedAt = performance.now();
  const joinedAt = Date.now();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < connectionIds.length; index = next++) {
      await memberships.add({
        room,
        connectionId: connectionIds[index] as string,
        userId: `u${firstUser + index}`,
        displayName: `u${firstUser + index}`,
        joinedAt,
        expiresAt: joinedAt + 3 * 3_600_000,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, connectionIds.length) }, worker));
  const ms = Math.round(performance.now() - startedAt);
  return { members: connectionIds.length, ms, perSecond: (connectionIds.length * 1_000) / Math.max(1, ms) };
}
