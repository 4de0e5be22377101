// Use case `leave`: remove the caller from a room and tell the room if the user has no other tab there.
// (driving adapter) --> leave --> memberships, announcer, notifier

import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { LeaveAction } from '../protocol/client-actions.js';
import type { LeftEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import type { MembershipAnnouncer } from './membership-announcer.js';
import { reply } from './replies.js';

export interface LeaveRoomDeps {
  readonly memberships: RoomMembershipPort;
  readonly announcer: MembershipAnnouncer;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
}

/** Leaving a room one is not in is answered like a leave, so a client may retry freely. */
export class LeaveRoom {
  constructor(private readonly deps: LeaveRoomDeps) {}

  async execute(caller: Caller, action: LeaveAction): Promise<{ wasMember: boolean }> {
    const removed = await this.deps.memberships.remove(action.room, caller.connectionId);
    if (removed !== undefined) await this.deps.announcer.left(action.room, caller.identity);
    const left: LeftEvent = {
      type: 'left',
      room: action.room,
      requestId: action.requestId,
    };
    await reply(this.deps, caller, left);
    return { wasMember: removed !== undefined };
  }
}
