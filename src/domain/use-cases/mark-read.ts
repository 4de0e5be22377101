// Use case `markRead`: moves the caller's read marker in a room or a direct conversation, answers with
// the read state, and tells the user's other connections (other tabs, other devices) that it moved.
// (driving adapter) --> mark read --> memberships, message log, read markers, notifier, fan-out

import type { FanOutPort } from '../fan-out/fan-out.port.js';
import { directConversation, roomConversation, type Conversation } from '../model/message.js';
import { READ_MARKER_TTL_MS, unreadCount } from '../model/read-state.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { MessageLogPort } from '../ports/message-log.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { ReadMarkersPort } from '../ports/read-markers.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { MarkReadAction } from '../protocol/client-actions.js';
import { ChatError } from '../protocol/errors.js';
import type { ReadMarkerEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { requireMember } from './members-only.js';
import { reply } from './replies.js';

export interface MarkReadDeps {
  readonly readMarkers?: ReadMarkersPort;
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  readonly connections: ConnectionRegistryPort;
  readonly fanOut: FanOutPort;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
  readonly clock: ClockPort;
}

/** A room's read state is for its members, like its history; a direct conversation is always one's own. */
export class MarkRead {
  constructor(private readonly deps: MarkReadDeps) {}

  async execute(caller: Caller, action: MarkReadAction): Promise<ReadMarkerEvent> {
    const markers = this.deps.readMarkers;
    if (markers === undefined) throw new ChatError('unavailable', 'Read state is not kept by this service');
    const me = caller.identity.userId;
    let conversation: Conversation;
    let check: Promise<void> | undefined;
    if ('room' in action.target) {
      conversation = roomConversation(action.target.room);
      check = requireMember(this.deps.memberships, action.target.room, caller, 'to mark it read');
    } else {
      conversation = directConversation(me, action.target.with);
    }
    // The check and the read at once; a marker past the last message stops at it, so `unread` is
    // never negative and a later message is never taken as read.
    const [lastSeq] = await Promise.all([this.deps.messages.latestSeq(conversation), check]);
    const readSeq = await markers.markRead(
      me,
      conversation,
      Math.min(action.seq, lastSeq),
      this.deps.clock.now() + READ_MARKER_TTL_MS,
    );
    const state: ReadMarkerEvent = {
      type: 'read_marker',
      ...action.target,
      ...unreadCount(readSeq, lastSeq),
    };
    await reply(this.deps, caller, { ...state, requestId: action.requestId });
    try {
      const others = (await this.deps.connections.connectionsOfUser(me))
        .map((connection) => connection.connectionId)
        .filter((id) => id !== caller.connectionId);
      await this.deps.fanOut.toConnections(others, state);
    } catch (error) {
      // Answered already: the other devices catch up with `unread` or their next `join`.
      this.deps.logger.warn('read marker not passed on', { error });
    }
    return state;
  }
}
