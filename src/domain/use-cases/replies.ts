// Use-case helpers: replying to the caller and fitting lists of messages into one @connections payload.

import type { ConnectionId } from '../model/connection.js';
import type { StoredMessage } from '../model/message.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import { encodedSize, toMessageEvent, type ServerEvent } from '../protocol/server-events.js';

/**
 * Sends a reply to the connection that asked. A reply that cannot be delivered is logged, never thrown:
 * the work it reports (a stored message, say) is done and must still be fanned out. A caller that
 * vanished meanwhile is cleaned by `$disconnect` or by the next fan-out that meets it.
 */
export async function reply(
  deps: { notifier: NotifierPort; logger: LoggerPort },
  connectionId: ConnectionId,
  event: ServerEvent,
): Promise<void> {
  try {
    await deps.notifier.deliver(connectionId, event);
  } catch (error) {
    deps.logger.warn('reply not delivered', { connectionId, type: event.type, error });
  }
}

/**
 * Keeps the longest oldest-first prefix of `messages` whose reply, built by `build`, stays within
 * `maxBytes`. Returns the messages kept and whether some were dropped.
 */
export function fitMessages<E extends ServerEvent>(
  messages: readonly StoredMessage[],
  maxBytes: number,
  build: (events: ReturnType<typeof toMessageEvent>[]) => E,
): { events: ReturnType<typeof toMessageEvent>[]; dropped: boolean } {
  const events = messages.map(toMessageEvent);
  let size = encodedSize(build([]));
  let kept = 0;
  for (const event of events) {
    // +1 for the comma between array items.
    const next = size + encodedSize(event) + (kept === 0 ? 0 : 1);
    if (next > maxBytes) break;
    size = next;
    kept += 1;
  }
  return { events: events.slice(0, kept), dropped: kept < events.length };
}
