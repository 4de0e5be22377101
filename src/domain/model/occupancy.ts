// Domain model: how many are in a room, counted as they come and go rather than by listing members,
// so a room of any size can show it.

export interface Occupancy {
  /** Member connections (tabs, devices). */
  readonly connections: number;
  /** Distinct users among them. */
  readonly users: number;
}

/** A room's `occupancy` event goes out at most this often; `joined` always carries the counts. */
export const OCCUPANCY_EVERY_MS = 5_000;

export const EMPTY_OCCUPANCY: Occupancy = { connections: 0, users: 0 };
