// Use case `unread`: the read state of each conversation the caller follows: the rooms this connection
// is in, and every conversation the user has a marker in (direct conversations get one when a message
// reaches them), most unread first.
// (driving adapter) --> unread --> read markers, memberships, message log, notifier

import { conversationKey, roomConversation, type Conversation } from '../model/message.js';
import { MAX_UNREAD_CONVERSATIONS, targetOf, unreadCount } from '../model/read-state.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { MessageLogPort } from '../ports/message-log.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { ReadMarkersPort } from '../ports/read-markers.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { UnreadAction } from '../protocol/client-actions.js';
import { ChatError } from '../protocol/errors.js';
import type { UnreadEntry, UnreadEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { reply } from './replies.js';

export interface UnreadDeps {
  readonly readMarkers?: ReadMarkersPort;
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
}

export class Unread {
  constructor(private readonly deps: UnreadDeps) {}

  async execute(caller: Caller, action: UnreadAction): Promise<UnreadEvent> {
    const markers = this.deps.readMarkers;
    if (markers === undefined) throw new ChatError('unavailable', 'Read state is not kept by this service');
    const me = caller.identity.userId;
    const [marked, rooms] = await Promise.all([
      // One more than listed tells whether the list is cut.
      markers.markers(me, MAX_UNREAD_CONVERSATIONS + 1),
      this.deps.memberships.roomsOf(caller.connectionId),
    ]);
    const followed = new Map<string, { conversation: Conversation; readSeq: number }>();
    for (const { conversation, readSeq } of marked) {
      followed.set(conversationKey(conversation), { conversation, readSeq });
    }
    for (const room of rooms) {
      const conversation = roomConversation(room);
      const key = conversationKey(conversation);
      if (!followed.has(key)) followed.set(key, { conversation, readSeq: 0 });
    }
    const listed = [...followed.values()].slice(0, MAX_UNREAD_CONVERSATIONS);
    // Each conversation's last number at once: one round trip for the whole answer.
    const lastSeqs = await Promise.all(
      listed.map(({ conversation }) => this.deps.messages.latestSeq(conversation)),
    );
    const conversations: UnreadEntry[] = listed.map(({ conversation, readSeq }, i) => ({
      ...targetOf(conversation, me),
      ...unreadCount(readSeq, lastSeqs[i] ?? 0),
    }));
    conversations.sort((a, b) => b.unread - a.unread || label(a).localeCompare(label(b)));
    const event: UnreadEvent = {
      type: 'unread',
      conversations,
      truncated: followed.size > MAX_UNREAD_CONVERSATIONS,
      requestId: action.requestId,
    };
    await reply(this.deps, caller, event);
    return event;
  }
}

function label(entry: UnreadEntry): string {
  return entry.room === undefined ? `with:${entry.with ?? ''}` : `room:${entry.room}`;
}
