// Use-case helper: read state after a direct message is stored. The recipient starts to follow the
// conversation (so `unread` lists it before they ever open it) and a sending user has read their own.

import type { UserId } from '../model/identity.js';
import type { StoredMessage } from '../model/message.js';
import { READ_MARKER_TTL_MS } from '../model/read-state.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { ReadMarkersPort } from '../ports/read-markers.port.js';

export interface DirectReadStateDeps {
  readonly readMarkers?: ReadMarkersPort;
  readonly logger: LoggerPort;
  readonly clock: ClockPort;
}

/**
 * Runs after the message was answered and delivered, so it never holds up a delivery, and a failure is
 * logged rather than thrown: the send itself succeeded.
 */
export async function noteDirectMessage(
  deps: DirectReadStateDeps,
  message: StoredMessage,
  parties: { readonly recipient: UserId; readonly sender?: UserId },
): Promise<void> {
  const markers = deps.readMarkers;
  if (markers === undefined) return;
  const expiresAt = deps.clock.now() + READ_MARKER_TTL_MS;
  const { recipient, sender } = parties;
  try {
    await Promise.all([
      sender === recipient ? undefined : markers.track(recipient, message.conversation, expiresAt),
      sender === undefined
        ? undefined
        : markers.markRead(sender, message.conversation, message.seq, expiresAt),
    ]);
  } catch (error) {
    deps.logger.warn('read state not updated after a direct message', { error });
  }
}
