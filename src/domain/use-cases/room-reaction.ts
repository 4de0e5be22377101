// Use case `roomReaction`: an ephemeral reaction to a room (applause, a heart), fanned out to its other
// connections and never stored; frames pass the same rate limits as every other frame, as typing does.
// (driving adapter) --> room reaction --> memberships, fan-out

import type { FanOutPort, FanOutReport } from '../fan-out/fan-out.port.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { RoomReactionAction } from '../protocol/client-actions.js';
import type { Caller } from './caller.js';
import { requireMember } from './members-only.js';
import { requireMayWrite } from './permission-checks.js';

export interface RoomReactionDeps {
  readonly memberships: RoomMembershipPort;
  readonly fanOut: FanOutPort;
  readonly clock: ClockPort;
}

export class RoomReaction {
  constructor(private readonly deps: RoomReactionDeps) {}

  /** No reply on success, like typing: the sender shows its own reaction at once. */
  async execute(caller: Caller, action: RoomReactionAction): Promise<FanOutReport> {
    const { room, reaction } = action;
    requireMayWrite(caller, 'react');
    await requireMember(this.deps.memberships, room, caller, 'to react in it');
    return this.deps.fanOut.toRoom(
      room,
      { type: 'room_reaction', room, user: caller.identity, reaction, sentAt: this.deps.clock.now() },
      { except: caller.connectionId },
    );
  }
}
