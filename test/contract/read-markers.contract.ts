// Contract: the behaviour every ReadMarkersPort must show, run against the fake and the real adapter.

import { describe, expect, it } from '@jest/globals';
import { directConversation, roomConversation, type ReadMarkersPort } from '../../src/domain/index.js';
import type { ManualClock } from '../fakes/manual-clock.js';

export interface ReadMarkersUnderTest {
  readonly markers: ReadMarkersPort;
  readonly clock: ManualClock;
}

const DAY = 86_400_000;

export function readMarkersContract(name: string, make: () => Promise<ReadMarkersUnderTest>): void {
  describe(`ReadMarkersPort contract: ${name}`, () => {
    let n = 0;
    // Unique users per test, so a shared real table needs no cleanup between tests.
    const user = (label: string) => `${label}-${(n += 1)}`;

    it('moves a marker forward only, per user and conversation', async () => {
      const { markers, clock } = await make();
      const [ada, bob] = [user('ada'), user('bob')];
      const general = roomConversation('general');
      const until = clock.now() + DAY;

      expect(await markers.readSeq(ada, general)).toBe(0);
      expect(await markers.markRead(ada, general, 5, until)).toBe(5);
      expect(await markers.markRead(ada, general, 3, until)).toBe(5);
      expect(await markers.markRead(ada, general, 8, until)).toBe(8);
      expect(await markers.readSeq(ada, general)).toBe(8);
      expect(await markers.readSeq(bob, general)).toBe(0);
      expect(await markers.readSeq(ada, roomConversation('other'))).toBe(0);
    });

    it('tracks a conversation at 0 without moving a marker already there', async () => {
      const { markers, clock } = await make();
      const ada = user('ada');
      const dm = directConversation(ada, 'bob');
      const until = clock.now() + DAY;

      await markers.track(ada, dm, until);
      expect(await markers.markers(ada, 10)).toEqual([{ conversation: dm, readSeq: 0 }]);
      await markers.markRead(ada, dm, 4, until);
      await markers.track(ada, dm, until);
      expect(await markers.markers(ada, 10)).toEqual([{ conversation: dm, readSeq: 4 }]);
    });

    it('lists at most the limit, and forgets expired markers (which then start again)', async () => {
      const { markers, clock } = await make();
      const ada = user('ada');
      for (const room of ['a', 'b', 'c'])
        await markers.markRead(ada, roomConversation(room), 2, clock.now() + 10);
      await markers.markRead(ada, roomConversation('kept'), 1, clock.now() + DAY);

      expect(await markers.markers(ada, 2)).toHaveLength(2);
      expect(await markers.markers(ada, 10)).toHaveLength(4);
      clock.advance(10);
      expect(await markers.markers(ada, 10)).toEqual([
        { conversation: roomConversation('kept'), readSeq: 1 },
      ]);
      expect(await markers.readSeq(ada, roomConversation('a'))).toBe(0);
      expect(await markers.markRead(ada, roomConversation('a'), 1, clock.now() + DAY)).toBe(1);
    });
  });
}
