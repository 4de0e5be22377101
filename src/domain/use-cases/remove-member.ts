// Use case `removeMember`: a moderator takes every connection of a user out of a room; backends reuse
// the eviction for bans. Each removed connection is told (`removed`); the room hears `member_left`.
// (driving adapter) --> removeMember --> memberships, notifier, announcer

import type { UserId } from '../model/identity.js';
import { identityOf } from '../model/connection.js';
import { isModerator } from '../model/permissions.js';
import type { RoomName } from '../model/room.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { RemoveMemberAction } from '../protocol/client-actions.js';
import { ChatError } from '../protocol/errors.js';
import type { MemberRemovedEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import type { MembershipAnnouncer } from './membership-announcer.js';
import { requireMember } from './members-only.js';
import { reply } from './replies.js';

export interface RemoveMemberDeps {
  readonly memberships: RoomMembershipPort;
  readonly announcer: MembershipAnnouncer;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
}

export class RemoveMember {
  constructor(private readonly deps: RemoveMemberDeps) {}

  /**
   * Only moderators, and only in a room they are in. Removing a user who is not there answers with
   * `connections: 0`, as a leave of a room one is not in is answered: nothing else is learned.
   */
  async execute(caller: Caller, action: RemoveMemberAction): Promise<MemberRemovedEvent> {
    const { room, member } = action;
    if (!isModerator(caller.permissions)) {
      throw new ChatError('forbidden', 'Only moderators may remove members', { room });
    }
    await requireMember(this.deps.memberships, room, caller, 'to remove its members');
    const connections = await this.evict(room, member, false);
    const removed: MemberRemovedEvent = {
      type: 'member_removed',
      room,
      userId: member,
      connections,
      requestId: action.requestId,
    };
    await reply(this.deps, caller, removed);
    return removed;
  }

  /**
   * Ends every live membership of the user in the room and returns how many there were. The removals
   * go one after the other, each announced as a leave would be, so `member_left` goes out once, after
   * the last, and the occupancy counts each connection.
   */
  async evict(room: RoomName, userId: UserId, banned: boolean): Promise<number> {
    const connections = await this.deps.memberships.connectionsOfUserInRoom(room, userId);
    let removed = 0;
    for (const connectionId of connections) {
      const membership = await this.deps.memberships.remove(room, connectionId);
      if (membership === undefined) continue;
      removed += 1;
      try {
        await this.deps.notifier.deliver(connectionId, { type: 'removed', room, banned });
      } catch (error) {
        // The membership is gone either way; a connection that cannot hear it is cleaned elsewhere.
        this.deps.logger.warn('removal notice not delivered', { connectionId, room, error });
      }
      await this.deps.announcer.left(room, identityOf(membership));
    }
    return removed;
  }
}
