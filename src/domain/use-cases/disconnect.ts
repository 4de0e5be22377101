// Use case `$disconnect`: forget the connection and tell each room the user left, if it was their last tab there.
// (driving adapter) --> disconnect --> janitor, announcer

import type { ConnectionId } from '../model/connection.js';
import { identityOf } from '../model/connection.js';
import type { ConnectionJanitor } from '../fan-out/connection-janitor.js';
import type { MembershipAnnouncer } from './membership-announcer.js';

export interface DisconnectDeps {
  readonly janitor: ConnectionJanitor;
  readonly announcer: MembershipAnnouncer;
}

/**
 * Best effort by nature: API Gateway does not always call `$disconnect`, so records also expire.
 * Safe to run twice: the second run finds nothing to remove and announces nothing.
 */
export class Disconnect {
  constructor(private readonly deps: DisconnectDeps) {}

  async execute(connectionId: ConnectionId): Promise<{ roomsLeft: string[] }> {
    const removed = await this.deps.janitor.purge(connectionId);
    for (const membership of removed) {
      await this.deps.announcer.left(membership.room, identityOf(membership));
    }
    return { roomsLeft: removed.map((membership) => membership.room) };
  }
}
