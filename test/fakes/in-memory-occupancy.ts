// Test fake for OccupancyPort: counters and the last announcement time per room.

import {
  EMPTY_OCCUPANCY,
  type Occupancy,
  type OccupancyPort,
  type RoomName,
} from '../../src/domain/index.js';

export class InMemoryOccupancy implements OccupancyPort {
  private readonly counts = new Map<RoomName, Occupancy>();
  private readonly announcedAt = new Map<RoomName, number>();

  async change(room: RoomName, delta: Occupancy): Promise<Occupancy> {
    const now = this.counts.get(room) ?? EMPTY_OCCUPANCY;
    const next = { connections: now.connections + delta.connections, users: now.users + delta.users };
    this.counts.set(room, next);
    return clamp(next);
  }

  async get(room: RoomName): Promise<Occupancy> {
    return clamp(this.counts.get(room) ?? EMPTY_OCCUPANCY);
  }

  async claimAnnouncement(room: RoomName, now: number, everyMs: number): Promise<boolean> {
    const last = this.announcedAt.get(room);
    if (last !== undefined && now - last < everyMs) return false;
    this.announcedAt.set(room, now);
    return true;
  }
}

function clamp(counts: Occupancy): Occupancy {
  return { connections: Math.max(0, counts.connections), users: Math.max(0, counts.users) };
}
