// Contract: the behaviour every BanPort must show, run against the fake and the real adapter.

import { describe, expect, it } from '@jest/globals';
import type { BanPort, RoomMembershipPort } from '../../src/domain/index.js';

export function bansContract(
  name: string,
  make: () => Promise<{ bans: BanPort; memberships: RoomMembershipPort }>,
): void {
  describe(`BanPort contract: ${name}`, () => {
    let n = 0;
    const unique = (label: string) => `${label}-${(n += 1)}-${Date.now()}`;

    it('bans one user from one room until unbanned', async () => {
      const { bans } = await make();
      const room = unique('room');
      const other = unique('other');
      expect(await bans.isBanned(room, 'ada')).toBe(false);

      await bans.ban(room, 'ada', 1_000);
      await bans.ban(room, 'ada', 2_000);
      expect(await bans.isBanned(room, 'ada')).toBe(true);
      expect(await bans.isBanned(room, 'bob')).toBe(false);
      expect(await bans.isBanned(other, 'ada')).toBe(false);

      expect(await bans.unban(room, 'ada')).toBe(true);
      expect(await bans.isBanned(room, 'ada')).toBe(false);
      expect(await bans.unban(room, 'ada')).toBe(false);
    });

    it('keeps a ban out of the room’s members, and the members out of the bans', async () => {
      const { bans, memberships } = await make();
      const room = unique('room');
      await memberships.add({
        room,
        connectionId: 'c-ada',
        userId: 'ada',
        displayName: 'Ada',
        joinedAt: 1,
        expiresAt: Number.MAX_SAFE_INTEGER,
      });
      await bans.ban(room, 'bob', 1_000);
      const page = await memberships.membersPage(room, { limit: 10 });
      expect(page.members.map((m) => m.userId)).toEqual(['ada']);
      expect(await memberships.connectionsOfUserInRoom(room, 'bob')).toEqual([]);
      expect(await bans.isBanned(room, 'ada')).toBe(false);
    });
  });
}
