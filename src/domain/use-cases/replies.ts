// Use-case helpers: replying to the caller and fitting lists of messages into one @connections payload.

import type { StoredMessage } from '../model/message.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import { encodedSize, toMessageEvent, type ServerEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';

/**
 * Sends the caller its answer, ahead of fan-out deliveries waiting for the same connections (an ack
 * excepted). A reply
 * that cannot be delivered is logged, never thrown: the work it reports (a stored message, say) is done
 * and must still be fanned out. A caller that vanished meanwhile is cleaned by `$disconnect` or by the
 * next fan-out that meets it. Either way the request counts as answered: no error frame may follow.
 */
export async function reply(
  deps: { notifier: NotifierPort; logger: LoggerPort },
  caller: Caller,
  event: ServerEvent,
): Promise<void> {
  if (caller.request !== undefined) caller.request.answered = true;
  const { connectionId } = caller;
  try {
    // An ack waits in line with the deliveries: where many invocations share the connections to API
    // Gateway (the local stack), that keeps senders from outrunning their own fan-outs. Every other
    // answer (a pong, a snapshot) goes ahead of them.
    await deps.notifier.deliver(connectionId, event, { reply: event.type !== 'ack' });
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
