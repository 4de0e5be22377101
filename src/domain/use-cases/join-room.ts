// Use case `join`: add the caller to a room, tell the others, reply with presence (and missed messages).
// (driving adapter) --> join --> memberships, message log, announcer, notifier

import { roomConversation } from '../model/message.js';
import type { ChatPolicy } from '../chat-policy.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { MessageLogPort } from '../ports/message-log.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { JoinAction } from '../protocol/client-actions.js';
import { isRoomMessage, type JoinedEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import type { MembershipAnnouncer } from './membership-announcer.js';
import { presenceSnapshot } from './presence-snapshot.js';
import { fitMessages, reply } from './replies.js';

export interface JoinRoomDeps {
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  readonly announcer: MembershipAnnouncer;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
  readonly clock: ClockPort;
  readonly policy: ChatPolicy;
}

/**
 * Joining twice is harmless: the membership is refreshed, nobody is told twice, the caller gets
 * a fresh snapshot. With `since`, the reply carries the messages after that sequence number.
 */
export class JoinRoom {
  constructor(private readonly deps: JoinRoomDeps) {}

  async execute(caller: Caller, action: JoinAction): Promise<JoinedEvent> {
    const { room } = action;
    const { policy } = this.deps;
    const alreadyMember = await this.deps.memberships.isMember(room, caller.connectionId);
    await this.deps.memberships.add({
      room,
      connectionId: caller.connectionId,
      userId: caller.identity.userId,
      displayName: caller.identity.displayName,
      joinedAt: this.deps.clock.now(),
      expiresAt: caller.connectedAt + policy.connectionTtlMs,
    });
    if (!alreadyMember) await this.deps.announcer.joined(room, caller.identity, caller.connectionId);

    const snapshot = await presenceSnapshot(this.deps.memberships, room, {
      maxUsers: policy.presenceMaxUsers,
      pageSize: policy.membersPageSize,
    });
    const base: JoinedEvent = {
      type: 'joined',
      room,
      ...snapshot,
      requestId: action.requestId,
    };
    let joined = base;
    if (action.since !== undefined) {
      const page = await this.deps.messages.read(roomConversation(room), {
        after: action.since,
        limit: policy.historyLimitMax,
      });
      const fitted = fitMessages(page.messages, policy.maxPayloadBytes, (missed) => ({
        ...base,
        missed: missed.filter(isRoomMessage),
        hasMore: true,
      }));
      joined = {
        ...base,
        missed: fitted.events.filter(isRoomMessage),
        hasMore: page.hasMore || fitted.dropped,
      };
    }
    await reply(this.deps, caller.connectionId, joined);
    return joined;
  }
}
