// Use case `typing`: an ephemeral signal fanned out to the room's other connections; never stored.
// (driving adapter) --> typing --> memberships, fan-out

import type { FanOutPort, FanOutReport } from '../fan-out/fan-out.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { TypingAction } from '../protocol/client-actions.js';
import type { Caller } from './caller.js';
import { requireMember } from './members-only.js';
import { requireMayWrite } from './permission-checks.js';

export interface TypingDeps {
  readonly memberships: RoomMembershipPort;
  readonly fanOut: FanOutPort;
}

export class Typing {
  constructor(private readonly deps: TypingDeps) {}

  async execute(caller: Caller, action: TypingAction): Promise<FanOutReport> {
    const { room } = action;
    // Read-only users do not write, so they do not look as if they were about to.
    requireMayWrite(caller, 'type in a room');
    await requireMember(this.deps.memberships, room, caller, 'before typing in it');
    return this.deps.fanOut.toRoom(
      room,
      { type: 'typing', room, user: caller.identity, isTyping: action.isTyping },
      { except: caller.connectionId },
    );
  }
}
