// Use-case helper: who a backend speaks as, and what a backend may send.

import {
  cleanDisplayName,
  codePointLength,
  MAX_DISPLAY_NAME,
  SYSTEM_USER_ID,
  type Identity,
} from '../../model/identity.js';
import { ChatError } from '../../protocol/errors.js';

/** Messages from backends come from the reserved `system` user, under a display name of their choice. */
export function backendSender(from: unknown): Identity {
  if (from === undefined) return { userId: SYSTEM_USER_ID, displayName: 'system' };
  // Cleaned like every display name; too long is refused here, as the backend can send a shorter one.
  const name = typeof from === 'string' ? cleanDisplayName(from) : '';
  if (name === '' || codePointLength(name) > MAX_DISPLAY_NAME) {
    throw new ChatError('invalid_request', '"from" must be 1-64 characters', { field: 'from' });
  }
  return { userId: SYSTEM_USER_ID, displayName: name };
}

/** The text rules of client messages, for a body field that may be anything. */
export function backendText(text: unknown): string {
  if (typeof text !== 'string')
    throw new ChatError('invalid_request', '"text" must be a string', { field: 'text' });
  if (text.trim() === '')
    throw new ChatError('invalid_request', '"text" must be non-empty', { field: 'text' });
  return text;
}
