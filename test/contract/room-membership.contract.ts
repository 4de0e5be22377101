// Contract: the behaviour every RoomMembershipPort must show, run against the fake and the real adapter.

import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Membership, RoomMembershipPort } from '../../src/domain/index.js';
import type { ManualClock } from '../fakes/manual-clock.js';

export interface MembershipUnderTest {
  readonly memberships: RoomMembershipPort;
  readonly clock: ManualClock;
}

const HOUR = 3_600_000;

export function roomMembershipContract(name: string, make: () => Promise<MembershipUnderTest>): void {
  describe(`RoomMembershipPort contract: ${name}`, () => {
    let memberships: RoomMembershipPort;
    let clock: ManualClock;
    let n = 0;
    // Unique room and connection ids per test, so a shared real table needs no cleanup between tests.
    const room = (label = 'room') => `${label}-${n}`;
    const c = (label: string) => `${label}-${n}`;
    const member = (roomName: string, connectionId: string, userId: string, ttl = HOUR): Membership => ({
      room: roomName,
      connectionId,
      userId,
      displayName: `Name of ${userId}`,
      joinedAt: clock.now(),
      expiresAt: clock.now() + ttl,
    });

    async function allMembers(roomName: string, limit: number): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await memberships.membersPage(roomName, { limit, ...(cursor ? { cursor } : {}) });
        pages += 1;
        ids.push(...page.members.map((m) => m.connectionId));
        cursor = page.cursor;
      } while (cursor !== undefined);
      return { ids, pages };
    }

    beforeEach(async () => {
      n += 1;
      ({ memberships, clock } = await make());
    });

    it('adds a member, and adding again keeps one membership', async () => {
      const r = room();
      await memberships.add(member(r, c('c1'), 'u1'));
      await memberships.add(member(r, c('c1'), 'u1'));
      expect(await memberships.isMember(r, c('c1'))).toBe(true);
      expect((await allMembers(r, 10)).ids).toEqual([c('c1')]);
    });

    it('is not a member of a room never joined', async () => {
      expect(await memberships.isMember(room(), c('c1'))).toBe(false);
    });

    it('removes a membership and returns it once', async () => {
      const r = room();
      const m = member(r, c('c1'), 'u1');
      await memberships.add(m);
      expect(await memberships.remove(r, c('c1'))).toEqual(m);
      expect(await memberships.remove(r, c('c1'))).toBeUndefined();
      expect(await memberships.isMember(r, c('c1'))).toBe(false);
    });

    it('pages through every member exactly once', async () => {
      const r = room();
      const ids = Array.from({ length: 23 }, (_, i) => c(`c${String(i).padStart(2, '0')}`));
      for (const [i, id] of ids.entries()) await memberships.add(member(r, id, `u${i % 7}`));

      const { ids: listed, pages } = await allMembers(r, 5);

      expect(listed.slice().sort()).toEqual(ids);
      expect(new Set(listed).size).toBe(23);
      expect(pages).toBe(5);
    });

    it('reads a room that fills its pages exactly in as many pages, with no empty one after', async () => {
      const r = room();
      for (let i = 0; i < 10; i += 1) await memberships.add(member(r, c(`c${i}`), `u${i}`));

      const first = await memberships.membersPage(r, { limit: 5 });
      expect(first.members).toHaveLength(5);
      expect(first.cursor).toBeDefined();
      const second = await memberships.membersPage(r, { limit: 5, cursor: first.cursor as string });
      expect(second.members).toHaveLength(5);
      expect(second.cursor).toBeUndefined();
      expect((await allMembers(r, 10)).pages).toBe(1);
    });

    it('keeps rooms apart, including rooms whose names share a prefix', async () => {
      const r = room('abc');
      await memberships.add(member(r, c('c1'), 'u1'));
      await memberships.add(member(`${r}d`, c('c2'), 'u2'));
      expect((await allMembers(r, 10)).ids).toEqual([c('c1')]);
    });

    it('skips expired members but keeps paging past them', async () => {
      const r = room();
      await memberships.add(member(r, c('c-old-1'), 'a', 10));
      await memberships.add(member(r, c('c-old-2'), 'b', 10));
      await memberships.add(member(r, c('c-live'), 'c'));
      clock.advance(10);

      expect((await allMembers(r, 1)).ids).toEqual([c('c-live')]);
      expect(await memberships.isMember(r, c('c-old-1'))).toBe(false);
    });

    it('lists the rooms of a connection, expired memberships included for cleanup', async () => {
      const [a, b, other] = [room('a'), room('b'), room('c')];
      await memberships.add(member(a, c('c1'), 'u1'));
      await memberships.add(member(b, c('c1'), 'u1', 10));
      await memberships.add(member(other, c('c2'), 'u2'));
      clock.advance(10);
      expect((await memberships.roomsOf(c('c1'))).sort()).toEqual([a, b].sort());
      await memberships.remove(a, c('c1'));
      expect(await memberships.roomsOf(c('c1'))).toEqual([b]);
    });

    it('lists a user’s unexpired connections in a room', async () => {
      const r = room();
      await memberships.add(member(r, c('c1'), 'bob'));
      await memberships.add(member(r, c('c2'), 'bob', 10));
      await memberships.add(member(r, c('c3'), 'bobby'));
      await memberships.add(member(room('other'), c('c4'), 'bob'));
      expect((await memberships.connectionsOfUserInRoom(r, 'bob')).sort()).toEqual([c('c1'), c('c2')]);
      clock.advance(10);
      expect(await memberships.connectionsOfUserInRoom(r, 'bob')).toEqual([c('c1')]);
    });
  });
}
