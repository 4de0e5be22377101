// Use-case helper: a room exists while it has members or history; rooms are never created explicitly.

import { roomConversation } from '../../model/message.js';
import type { RoomName } from '../../model/room.js';
import type { MessageLogPort } from '../../ports/message-log.port.js';
import type { MembersPage, RoomMembershipPort } from '../../ports/room-membership.port.js';
import { ChatError } from '../../protocol/errors.js';

/** `firstMembers`: a page of the room's members already being read (a fan-out's), used instead of a read. */
export async function requireKnownRoom(
  deps: { memberships: RoomMembershipPort; messages: MessageLogPort },
  room: RoomName,
  firstMembers?: Promise<MembersPage>,
): Promise<void> {
  const read = () => deps.memberships.membersPage(room, { limit: 1 });
  const [members, history] = await Promise.all([
    firstMembers === undefined ? read() : firstMembers.catch(read),
    deps.messages.read(roomConversation(room), { limit: 1 }),
  ]);
  if (members.members.length === 0 && members.cursor === undefined && history.messages.length === 0) {
    throw new ChatError('unknown_room', `No room "${room}": it has no members and no history`, { room });
  }
}
