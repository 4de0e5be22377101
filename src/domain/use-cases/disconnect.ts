// Use case `$disconnect`: forget the connection (its rate-limit bucket too) and tell each room the user
// left, if it was their last tab there.
// (driving adapter) --> disconnect --> janitor, rate limiter, announcer

import type { ConnectionId, Membership } from '../model/connection.js';
import { identityOf } from '../model/connection.js';
import type { ConnectionJanitor } from '../fan-out/connection-janitor.js';
import type { RateLimiterPort } from '../ports/rate-limiter.port.js';
import type { RateBucket } from '../rate-limit.js';
import type { RefusalMemory } from '../refusal-memory.js';
import type { MembershipAnnouncer } from './membership-announcer.js';

export interface DisconnectDeps {
  readonly janitor: ConnectionJanitor;
  readonly announcer: MembershipAnnouncer;
  readonly rateLimiter?: RateLimiterPort;
  readonly refusals?: RefusalMemory;
}

/**
 * Rooms announced at once. Each announcement reads the user's tabs in the room and posts to at most
 * `announceMaxMembers` members, so a connection in `maxRoomsPerConnection` rooms is told about in
 * rooms / this many rounds instead of one round per room.
 */
export const DISCONNECT_ANNOUNCE_CONCURRENCY = 8;

/**
 * Best effort by nature: API Gateway does not always call `$disconnect`, so records also expire.
 * Safe to run twice: the second run finds nothing to remove and announces nothing.
 * The user's rate-limit bucket stays: the user's other connections still take from it, and it expires.
 */
export class Disconnect {
  constructor(private readonly deps: DisconnectDeps) {}

  async execute(connectionId: ConnectionId): Promise<{ roomsLeft: string[] }> {
    const bucket: RateBucket = { scope: 'connection', connectionId };
    this.deps.refusals?.forget(bucket);
    const [removed] = await Promise.all([
      this.deps.janitor.purge(connectionId),
      this.deps.rateLimiter?.forget(bucket),
    ]);
    await eachAtMost(DISCONNECT_ANNOUNCE_CONCURRENCY, removed, (membership) =>
      this.deps.announcer.left(membership.room, identityOf(membership)),
    );
    return { roomsLeft: removed.map((membership) => membership.room) };
  }
}

/** Runs `work` for every membership, at most `limit` at a time. */
async function eachAtMost(
  limit: number,
  memberships: readonly Membership[],
  work: (membership: Membership) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < memberships.length) {
      const membership = memberships[next];
      next += 1;
      if (membership !== undefined) await work(membership);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, memberships.length) }, worker));
}
