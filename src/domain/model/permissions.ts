// Domain model: what a user may do, from optional claims of their token (see docs/operations.md,
// "Permission claims"). The authorizer parses the claims here; every use case asks the same questions.

import { ChatError } from '../protocol/errors.js';
import type { RoomName } from './room.js';

/** The claim holding room patterns: an array of patterns, or one string of them split by spaces or commas. */
export const ROOMS_CLAIM = 'roomcast:rooms';
/** The claim holding the role: `moderator` or `readonly`. */
export const ROLE_CLAIM = 'roomcast:role';

export const ROLES = ['moderator', 'readonly'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Restrictions (and the moderator's powers) of one user. Absent fields restrict nothing: a token
 * without the claims may do what every user could do before there were claims.
 */
export interface Permissions {
  /** Rooms the user may join and send to, as patterns in which `*` stands for any run of characters. */
  readonly rooms?: readonly string[];
  readonly role?: Role;
}

/** A room name in which `*` may also appear, anywhere and more than once (`team-*`, `*`). */
export const ROOM_GLOB_PATTERN = /^[A-Za-z0-9*][A-Za-z0-9_.*-]{0,63}$/;
/** A token should stay small: API Gateway passes the context with every event of the connection. */
export const MAX_ROOM_PATTERNS = 50;

/**
 * Reads the two claims. Any malformed claim refuses the whole token (`unauthorized`): a restriction
 * that cannot be read must not silently become no restriction.
 */
export function parsePermissions(rooms: unknown, role: unknown): Permissions | undefined {
  const patterns = rooms === undefined ? undefined : parseRoomPatterns(rooms);
  if (role !== undefined && !(ROLES as readonly unknown[]).includes(role)) {
    throw new ChatError('unauthorized', `The "${ROLE_CLAIM}" claim must be one of ${ROLES.join(', ')}`);
  }
  if (patterns === undefined && role === undefined) return undefined;
  return {
    ...(patterns === undefined ? {} : { rooms: patterns }),
    ...(role === undefined ? {} : { role: role as Role }),
  };
}

function parseRoomPatterns(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(/[\s,]+/).filter((p) => p !== '') : value;
  if (!Array.isArray(list) || list.length > MAX_ROOM_PATTERNS) {
    throw malformedRooms();
  }
  for (const pattern of list) {
    if (typeof pattern !== 'string' || !ROOM_GLOB_PATTERN.test(pattern)) throw malformedRooms();
  }
  return [...new Set(list as string[])];
}

function malformedRooms(): ChatError {
  return new ChatError(
    'unauthorized',
    `The "${ROOMS_CLAIM}" claim must list at most ${MAX_ROOM_PATTERNS} room patterns (room names that may hold "*")`,
  );
}

/** Whether a room name matches a pattern; `*` matches any run of room-name characters, even none. */
export function roomMatches(pattern: string, room: RoomName): boolean {
  // Patterns hold only room-name characters and `*`: `.` is the one that means something to RegExp.
  const source = pattern.replaceAll('.', '\\.').replaceAll('*', '.*');
  return new RegExp(`^${source}$`).test(room);
}

/** Whether the user may join (and so read and send to) a room; an empty list allows no room. */
export function mayEnter(permissions: Permissions | undefined, room: RoomName): boolean {
  const rooms = permissions?.rooms;
  return rooms === undefined || rooms.some((pattern) => roomMatches(pattern, room));
}

/** Read-only users join and read; they do not send, edit, delete, type or react. */
export function mayWrite(permissions: Permissions | undefined): boolean {
  return permissions?.role !== 'readonly';
}

/** Moderators change others' messages and remove members, in rooms they are in themselves. */
export function isModerator(permissions: Permissions | undefined): boolean {
  return permissions?.role === 'moderator';
}

/**
 * The permissions as one string per field, for API Gateway's authorizer context (which holds only
 * strings, numbers and booleans); `parsePermissions` reads them back.
 */
export function encodePermissions(permissions: Permissions | undefined): Record<string, string> {
  return {
    ...(permissions?.rooms === undefined ? {} : { rooms: permissions.rooms.join(' ') }),
    ...(permissions?.role === undefined ? {} : { role: permissions.role }),
  };
}
