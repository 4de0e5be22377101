// Domain model: who is acting. Built from the authorizer's context, never from a message body; every
// identity (an issuer's token, an anonymous connection) passes through toIdentity here.

import { ChatError } from '../protocol/errors.js';
import { toDisplayName } from './display-name.js';

export { cleanDisplayName, codePointLength, MAX_DISPLAY_NAME, toDisplayName } from './display-name.js';

export type UserId = string;

/** The authenticated person behind a connection. */
export interface Identity {
  readonly userId: UserId;
  readonly displayName: string;
}

/** User ids become parts of storage keys, so `#` (the key separator) and control characters are refused. */
export const USER_ID_PATTERN = /^[A-Za-z0-9@._:|+=-]{1,128}$/;

/** The sender of messages published by backends; no authenticated user may hold this id. */
export const SYSTEM_USER_ID = 'system';

/**
 * Ids the service speaks as, kept lower-case. No user may hold one in any case: `SYSTEM` would read
 * as `system` to a person, and to a page that compares ids case-insensitively.
 */
const RESERVED_USER_IDS: ReadonlySet<string> = new Set([SYSTEM_USER_ID]);

export function isValidUserId(value: unknown): value is UserId {
  return typeof value === 'string' && USER_ID_PATTERN.test(value);
}

/** Whether an id belongs to the service itself (in any case), so no user may be given it. */
export function isReservedUserId(userId: string): boolean {
  // User ids are ASCII (USER_ID_PATTERN), so lower-casing has no locale or length surprises.
  return RESERVED_USER_IDS.has(userId.toLowerCase());
}

/**
 * Checks an identity handed over by the authorizer or made up for an anonymous connection. The display
 * name is cleaned (display-name.ts); one with nothing left falls back to the user id, and an over-long
 * one is cut rather than refused, because it came from a trusted issuer or from the service itself.
 */
export function toIdentity(userId: unknown, displayName: unknown): Identity {
  if (!isValidUserId(userId) || isReservedUserId(userId)) {
    throw new ChatError('unauthorized', 'The connection has no valid user identity');
  }
  return { userId, displayName: toDisplayName(displayName, userId) };
}
