// Domain model: what a user says about their availability (available, away, busy, a short text),
// shown next to them in every room's presence and kept across their connections and devices.

export const STATUS_NAMES = ['available', 'away', 'busy'] as const;
export type StatusName = (typeof STATUS_NAMES)[number];

/** Longest status text, in code points: a line next to a name, not a message. */
export const MAX_STATUS_TEXT = 100;

export interface UserStatus {
  readonly status: StatusName;
  readonly text?: string;
  /** When it was set (epoch ms): of two copies, the later one is the user's status. */
  readonly changedAt?: number;
}

/** What a user shows until they say otherwise. */
export const DEFAULT_STATUS: UserStatus = { status: 'available' };

export function isStatusName(value: unknown): value is StatusName {
  return typeof value === 'string' && (STATUS_NAMES as readonly string[]).includes(value);
}
