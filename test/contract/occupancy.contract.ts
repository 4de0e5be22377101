// Contract: the behaviour every OccupancyPort must show, run against the fake and the real adapter.

import { describe, expect, it } from '@jest/globals';
import type { OccupancyPort } from '../../src/domain/index.js';

export function occupancyContract(name: string, make: () => Promise<OccupancyPort>): void {
  describe(`OccupancyPort contract: ${name}`, () => {
    let n = 0;
    const room = () => `occupied-${(n += 1)}-${Date.now()}`;

    it('counts from zero, moves both counters at once and never shows less than zero', async () => {
      const occupancy = await make();
      const r = room();
      expect(await occupancy.get(r)).toEqual({ connections: 0, users: 0 });
      expect(await occupancy.change(r, { connections: 1, users: 1 })).toEqual({ connections: 1, users: 1 });
      expect(await occupancy.change(r, { connections: 1, users: 0 })).toEqual({ connections: 2, users: 1 });
      expect(await occupancy.change(r, { connections: -3, users: -1 })).toEqual({ connections: 0, users: 0 });
      expect(await occupancy.get(room())).toEqual({ connections: 0, users: 0 });
    });

    it('lets one caller announce per interval, however many ask at once', async () => {
      const occupancy = await make();
      const r = room();
      const claims = await Promise.all(
        Array.from({ length: 5 }, () => occupancy.claimAnnouncement(r, 10_000, 5_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await occupancy.claimAnnouncement(r, 14_999, 5_000)).toBe(false);
      expect(await occupancy.claimAnnouncement(r, 15_000, 5_000)).toBe(true);
      expect(await occupancy.claimAnnouncement(room(), 15_000, 5_000)).toBe(true);
    });
  });
}
