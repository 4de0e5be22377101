// Domain model: who is acting. Built from the authorizer's context, never from a message body.

import { ChatError } from '../protocol/errors.js';

export type UserId = string;

/** The authenticated person behind a connection. */
export interface Identity {
  readonly userId: UserId;
  readonly displayName: string;
}

/** User ids become parts of storage keys, so `#` (the key separator) and control characters are refused. */
const USER_ID_PATTERN = /^[A-Za-z0-9@._:|+=-]{1,128}$/;

/** The sender of messages published by backends; no authenticated user may hold this id. */
export const SYSTEM_USER_ID = 'system';
const MAX_DISPLAY_NAME = 64;

export function isValidUserId(value: unknown): value is UserId {
  return typeof value === 'string' && USER_ID_PATTERN.test(value);
}

/**
 * Checks an identity handed over by the authorizer. A blank display name falls back to the user id;
 * an over-long one is cut rather than refused, because it came from a trusted issuer.
 */
export function toIdentity(userId: unknown, displayName: unknown): Identity {
  if (!isValidUserId(userId) || userId === SYSTEM_USER_ID) {
    throw new ChatError('unauthorized', 'The connection has no valid user identity');
  }
  const name = typeof displayName === 'string' ? stripControlCharacters(displayName).trim() : '';
  return {
    userId,
    displayName: name.length === 0 ? userId : Array.from(name).slice(0, MAX_DISPLAY_NAME).join(''),
  };
}

function stripControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, '');
}
