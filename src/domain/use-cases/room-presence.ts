// Use case `presence`: who is in a room now, one entry per user however many tabs they have.
// (driving adapter) --> presence --> memberships, notifier

import type { ChatPolicy } from '../chat-policy.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { PresenceAction } from '../protocol/client-actions.js';
import type { PresenceEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { requireMember } from './members-only.js';
import { presenceSnapshot } from './presence-snapshot.js';
import { reply } from './replies.js';

export interface RoomPresenceDeps {
  readonly memberships: RoomMembershipPort;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
  readonly policy: ChatPolicy;
}

/** Presence is for members of the room, like its history. */
export class RoomPresence {
  constructor(private readonly deps: RoomPresenceDeps) {}

  async execute(caller: Caller, action: PresenceAction): Promise<PresenceEvent> {
    const { room } = action;
    await requireMember(this.deps.memberships, room, caller, 'to see who is in it');
    const snapshot = await presenceSnapshot(this.deps.memberships, room, {
      maxUsers: this.deps.policy.presenceMaxUsers,
      pageSize: this.deps.policy.membersPageSize,
    });
    const presence: PresenceEvent = {
      type: 'presence',
      room,
      ...snapshot,
      requestId: action.requestId,
    };
    await reply(this.deps, caller, presence);
    return presence;
  }
}
