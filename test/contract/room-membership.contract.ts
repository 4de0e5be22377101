// Contract: the behaviour every RoomMembershipPort must show, run against the fake and the real adapter.

import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  growthGraceMs,
  stableHash,
  type Membership,
  type RoomMembershipPort,
} from '../../src/domain/index.js';
import type { ManualClock } from '../fakes/manual-clock.js';

export interface MembershipUnderTest {
  readonly memberships: RoomMembershipPort;
  readonly clock: ManualClock;
}

/** How an implementation spreads a room over buckets; each maker passes it to its adapter as given. */
export interface MembershipSharding {
  readonly membersPerBucket?: number;
  readonly shapeCacheMs?: number;
}

const HOUR = 3_600_000;

/** Small buckets, so a room of a few hundred members grows over dozens of them. */
const SHARDING = { membersPerBucket: 4, shapeCacheMs: 1_000 } as const;
const GRACE_MS = growthGraceMs(SHARDING.shapeCacheMs);

/** A user whose bucket is not 0 under any count above one (an odd hash), so growth moves its writes. */
function userOutsideBucketZero(label: string): string {
  for (let i = 0; ; i += 1) if (stableHash(`${label}${i}`) % 2 === 1) return `${label}${i}`;
}

export function roomMembershipContract(
  name: string,
  make: (sharding?: MembershipSharding) => Promise<MembershipUnderTest>,
): void {
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

    it('stores a status on a live membership, read back with the members, and on nothing else', async () => {
      const r = room();
      await memberships.add(member(r, c('c1'), 'u1'));
      await memberships.add(member(r, c('c2'), 'u2', 1_000));
      const busy = { status: 'busy', text: 'in a call', changedAt: clock.now() } as const;

      expect(await memberships.setStatus(r, c('c1'), busy)).toBe(true);
      expect(await memberships.setStatus(r, c('never-joined'), busy)).toBe(false);
      expect(await memberships.setStatus(room('other'), c('c1'), busy)).toBe(false);
      clock.advance(1_000);
      expect(await memberships.setStatus(r, c('c2'), busy)).toBe(false);

      const { members } = await memberships.membersPage(r, { limit: 10 });
      expect(members).toEqual([
        {
          ...member(r, c('c1'), 'u1'),
          joinedAt: expect.any(Number),
          expiresAt: expect.any(Number),
          status: busy,
        },
      ]);
      // A refresh of the membership (a second join) writes what the join carries.
      await memberships.add({ ...member(r, c('c1'), 'u1'), status: { status: 'away' } });
      expect((await memberships.membersPage(r, { limit: 10 })).members[0]?.status).toEqual({
        status: 'away',
      });
      expect(await memberships.remove(r, c('c1'))).toMatchObject({ status: { status: 'away' } });
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
    describe('in a room grown over several buckets', () => {
      beforeEach(async () => {
        ({ memberships, clock } = await make(SHARDING));
      });

      /** Adds members; with `settle`, lets each growth's grace pass so new buckets are written to. */
      async function fill(
        roomName: string,
        label: string,
        count: number,
        settle: boolean,
      ): Promise<string[]> {
        const ids: string[] = [];
        for (let i = 0; i < count; i += 1) {
          const id = c(`${label}${String(i).padStart(3, '0')}`);
          await memberships.add(member(roomName, id, `${label}-user${i}`));
          ids.push(id);
          if (settle) clock.advance(GRACE_MS);
        }
        return ids;
      }

      async function bucketMembers(roomName: string, bucket: number, limit = 3): Promise<string[]> {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await memberships.membersPage(roomName, {
            limit,
            bucket,
            ...(cursor ? { cursor } : {}),
          });
          ids.push(...page.members.map((m) => m.connectionId));
          cursor = page.cursor;
        } while (cursor !== undefined);
        return ids;
      }

      async function byBucket(roomName: string, buckets: number): Promise<string[][]> {
        const found: string[][] = [];
        for (let bucket = 0; bucket < buckets; bucket += 1) found.push(await bucketMembers(roomName, bucket));
        return found;
      }

      it('is one bucket for a room never joined', async () => {
        expect(await memberships.roomShape(room('unknown'))).toEqual({ buckets: 1, approximateMembers: 0 });
      });

      it('lists every member once, and its buckets split them without overlap', async () => {
        const r = room();
        const ids = await fill(r, 'm', 200, true);
        const shape = await memberships.roomShape(r);

        const { ids: walked } = await allMembers(r, 7);
        const buckets = await byBucket(r, shape.buckets);

        expect(shape.buckets).toBeGreaterThanOrEqual(16);
        expect(shape.approximateMembers).toBeGreaterThan(100);
        expect(walked.slice().sort()).toEqual(ids.slice().sort());
        expect(new Set(walked).size).toBe(walked.length);
        expect(buckets.flat().sort()).toEqual(ids.slice().sort());
        expect(buckets.filter((members) => members.length > 0).length).toBeGreaterThan(1);
      });

      it('writes under the old count until the growth grace has passed, then into the new buckets', async () => {
        const r = room();
        const before = await memberships.roomShape(r);
        // Many growths in a row, within one cache period: a reader holding `before` must still see all.
        const early = await fill(r, 'e', 150, false);
        const grown = await memberships.roomShape(r);

        expect(before.buckets).toBe(1);
        expect(grown.buckets).toBeGreaterThanOrEqual(16);
        expect((await byBucket(r, before.buckets)).flat().sort()).toEqual(early.slice().sort());

        clock.advance(GRACE_MS);
        const user = userOutsideBucketZero('late');
        await memberships.add(member(r, c('late'), user));
        const buckets = await byBucket(r, grown.buckets);

        expect(buckets[0]).not.toContain(c('late'));
        expect(buckets.flat().filter((id) => id === c('late'))).toHaveLength(1);
        expect((await allMembers(r, 10)).ids.slice().sort()).toEqual([...early, c('late')].sort());
      });

      it('finds, refreshes and removes members written before and after a growth', async () => {
        const r = room();
        const user = userOutsideBucketZero('early');
        const first = member(r, c('first'), user);
        await memberships.add(first);
        const others = await fill(r, 'm', 120, true);
        expect((await memberships.roomShape(r)).buckets).toBeGreaterThanOrEqual(8);
        const second = member(r, c('second'), user);
        await memberships.add(second);
        await memberships.add(member(r, c('other-user'), `${user}x`));

        expect((await memberships.connectionsOfUserInRoom(r, user)).sort()).toEqual([
          c('first'),
          c('second'),
        ]);
        expect(await memberships.isMember(r, c('first'))).toBe(true);
        expect(await memberships.isMember(r, c('second'))).toBe(true);

        // A refresh after the growth keeps the one member item where it was first written.
        await memberships.add({ ...first, expiresAt: first.expiresAt + HOUR });
        await memberships.add({ ...second, expiresAt: second.expiresAt + HOUR });
        const everyone = [...others, c('first'), c('second'), c('other-user')].sort();
        expect((await allMembers(r, 9)).ids.slice().sort()).toEqual(everyone);
        const { buckets } = await memberships.roomShape(r);
        expect((await byBucket(r, buckets)).flat().sort()).toEqual(everyone);
        expect((await memberships.connectionsOfUserInRoom(r, user)).sort()).toEqual([
          c('first'),
          c('second'),
        ]);

        expect(await memberships.remove(r, c('first'))).toEqual({
          ...first,
          expiresAt: first.expiresAt + HOUR,
        });
        expect(await memberships.remove(r, c('second'))).toEqual({
          ...second,
          expiresAt: second.expiresAt + HOUR,
        });
        expect(await memberships.isMember(r, c('first'))).toBe(false);
        expect(await memberships.connectionsOfUserInRoom(r, user)).toEqual([]);
        expect((await allMembers(r, 9)).ids).not.toContain(c('first'));

        // Joined again, long after the growth: under the new count, and listed once.
        clock.advance(GRACE_MS);
        await memberships.add(member(r, c('first'), user));
        expect(await memberships.isMember(r, c('first'))).toBe(true);
        expect(await memberships.connectionsOfUserInRoom(r, user)).toEqual([c('first')]);
        const again = (await byBucket(r, buckets)).flat();
        expect(again.filter((id) => id === c('first'))).toHaveLength(1);
        expect(again).toHaveLength(everyone.length - 1);
      });
    });
  });
}
