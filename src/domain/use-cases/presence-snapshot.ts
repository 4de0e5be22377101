// Use-case helper: who is in a room, one entry per user, read page by page and capped.

import type { Membership } from '../model/connection.js';
import type { RoomName } from '../model/room.js';
import { DEFAULT_STATUS } from '../model/user-status.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { PresenceEntry, PresenceSnapshot } from '../protocol/server-events.js';

export async function presenceSnapshot(
  memberships: RoomMembershipPort,
  room: RoomName,
  options: { maxUsers: number; pageSize: number },
): Promise<PresenceSnapshot> {
  const users = new Map<string, { displayName: string; connections: number; member: Membership }>();
  let cursor: string | undefined;
  let truncated = false;
  do {
    const page = await memberships.membersPage(room, {
      limit: options.pageSize,
      cursor,
    });
    for (const member of page.members) {
      const known = users.get(member.userId);
      if (known !== undefined) {
        known.connections += 1;
        // Each change rewrites every membership of the user; the latest write wins between tabs.
        if ((member.status?.changedAt ?? 0) > (known.member.status?.changedAt ?? 0)) known.member = member;
      } else if (users.size < options.maxUsers) {
        users.set(member.userId, { displayName: member.displayName, connections: 1, member });
      } else {
        truncated = true;
      }
    }
    cursor = page.cursor;
    // Stop reading a huge room once the snapshot is full (`truncated` is then already set): presence must
    // not cost a full scan of it.
  } while (cursor !== undefined && !truncated);
  const members: PresenceEntry[] = [...users].map(([userId, { displayName, connections, member }]) => {
    const { status, text } = member.status ?? DEFAULT_STATUS;
    return { userId, displayName, connections, status, ...(text === undefined ? {} : { statusText: text }) };
  });
  members.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId));
  return { members, truncated };
}
