// Use-case helper: who a backend speaks as, and what a backend may send.

import { SYSTEM_USER_ID, type Identity } from '../../model/identity.js';
import { ChatError } from '../../protocol/errors.js';

/** Messages from backends come from the reserved `system` user, under a display name of their choice. */
export function backendSender(from: unknown): Identity {
  if (from === undefined) return { userId: SYSTEM_USER_ID, displayName: 'system' };
  if (typeof from !== 'string' || from.trim() === '' || Array.from(from).length > 64) {
    throw new ChatError('invalid_request', '"from" must be 1-64 characters', { field: 'from' });
  }
  return { userId: SYSTEM_USER_ID, displayName: from.trim() };
}

/** The text rules of client messages, for a body field that may be anything. */
export function backendText(text: unknown): string {
  if (typeof text !== 'string')
    throw new ChatError('invalid_request', '"text" must be a string', { field: 'text' });
  if (text.trim() === '')
    throw new ChatError('invalid_request', '"text" must be non-empty', { field: 'text' });
  return text;
}
