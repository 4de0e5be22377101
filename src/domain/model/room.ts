// Domain model: rooms are named conversations that connections join; names are validated here once.

import { ChatError } from '../protocol/errors.js';

export type RoomName = string;

/**
 * Room names appear in storage keys and URLs, so they are kept to a safe alphabet:
 * a letter or digit, then up to 63 letters, digits, `_`, `.` or `-`.
 */
export const ROOM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidRoomName(value: unknown): value is RoomName {
  return typeof value === 'string' && ROOM_PATTERN.test(value);
}

export function parseRoomName(value: unknown): RoomName {
  if (!isValidRoomName(value)) {
    throw new ChatError(
      'invalid_room',
      'A room name is 1-64 characters: a letter or digit, then letters, digits, "_", "." or "-"',
    );
  }
  return value;
}
