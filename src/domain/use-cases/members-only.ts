// Use-case helper: the rule that a room's messages, history, presence and typing are for its members.

import type { RoomName } from '../model/room.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import { ChatError } from '../protocol/errors.js';
import type { Caller } from './caller.js';

/**
 * Refuses a caller whose connection is not in `room` with `not_a_member`; `toDo` finishes the message
 * "Join "<room>" …" so the client is told what the join is for.
 */
export async function requireMember(
  memberships: RoomMembershipPort,
  room: RoomName,
  caller: Caller,
  toDo: string,
): Promise<void> {
  if (!(await memberships.isMember(room, caller.connectionId))) throw notAMember(room, toDo);
}

/** The refusal of a caller who is not in `room`. */
export function notAMember(room: RoomName, toDo: string): ChatError {
  return new ChatError('not_a_member', `Join "${room}" ${toDo}`, { room });
}
