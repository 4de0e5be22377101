// Client SDK: reading what a connection missed. The first look at a conversation fixes where live
// delivery starts; afterwards history is read forward from the last delivered sequence number.

import type { HistoryTarget } from './options.js';
import type { ConversationEntryEvent, ReplyOf } from './protocol.js';
import type { RequestBody } from './requests.js';
import type { SequenceCursor } from './sequence-cursor.js';

/** Sends one request on the connection being caught up. */
export type Ask = <B extends RequestBody>(body: B) => Promise<ReplyOf[B['action']]>;

/** Messages, and the edits and deletes that take their own places in the sequence. */
type Message = ConversationEntryEvent;

/** The largest history page the service serves. */
const PAGE_LIMIT = 100;

/**
 * Delivers the `recent` newest messages and starts live delivery after them. At least one message is
 * read even when none is to be shown: its seq is the starting point.
 */
export async function loadRecent<E extends Message>(
  ask: Ask,
  target: HistoryTarget,
  cursor: SequenceCursor<E>,
  recent: number,
): Promise<void> {
  const page = await ask({ action: 'history', ...target, limit: Math.max(1, recent) });
  const messages = page.messages as readonly E[];
  const first = messages[0];
  const last = messages.at(-1);
  if (first === undefined || last === undefined) {
    cursor.startAfter(0);
    return;
  }
  cursor.startAfter(recent === 0 ? last.seq : first.seq - 1);
  for (const message of messages) cursor.offer(message, 'history');
}

/** Reads forward from `after` (and below `before`, if given) while the service says there is more. */
export async function pageForward<E extends Message>(
  ask: Ask,
  target: HistoryTarget,
  cursor: SequenceCursor<E>,
  after: number,
  more: boolean,
  before?: number,
): Promise<void> {
  let from = after;
  let again = more;
  while (again) {
    const page = await ask({
      action: 'history',
      ...target,
      after: from,
      limit: PAGE_LIMIT,
      before,
    });
    for (const message of page.messages as readonly E[]) cursor.offer(message, 'missed');
    const last = page.messages.at(-1)?.seq;
    if (last === undefined) return;
    from = last;
    again = page.hasMore;
  }
}
