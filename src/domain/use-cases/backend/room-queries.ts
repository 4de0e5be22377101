// Use cases for backends that look: who is in a room, and a page of its history.
// (HTTP API / CLI) --> room queries --> memberships, message log

import type { ChatPolicy } from '../../chat-policy.js';
import { roomConversation } from '../../model/message.js';
import type { RoomName } from '../../model/room.js';
import type { MessageLogPort } from '../../ports/message-log.port.js';
import type { RoomMembershipPort } from '../../ports/room-membership.port.js';
import {
  isRoomEntry,
  toMessageEvent,
  type AmendmentEvent,
  type PresenceSnapshot,
  type RoomMessageEvent,
} from '../../protocol/server-events.js';
import { presenceSnapshot } from '../presence-snapshot.js';
import { requireKnownRoom } from './room-existence.js';

export interface RoomQueriesDeps {
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  readonly policy: ChatPolicy;
}

export class RoomQueries {
  constructor(private readonly deps: RoomQueriesDeps) {}

  async members(room: RoomName): Promise<PresenceSnapshot & { room: RoomName }> {
    await requireKnownRoom(this.deps, room);
    const snapshot = await presenceSnapshot(this.deps.memberships, room, {
      maxUsers: this.deps.policy.presenceMaxUsers,
      pageSize: this.deps.policy.membersPageSize,
    });
    return { room, ...snapshot };
  }

  async history(
    room: RoomName,
    range: { after?: number; before?: number; limit?: number },
  ): Promise<{ room: RoomName; messages: (RoomMessageEvent | AmendmentEvent)[]; hasMore: boolean }> {
    await requireKnownRoom(this.deps, room);
    const { policy } = this.deps;
    const page = await this.deps.messages.read(roomConversation(room), {
      limit: Math.min(range.limit ?? policy.historyLimitDefault, policy.historyLimitMax),
      after: range.after,
      before: range.before,
    });
    // Messages in their latest version, and the edit and delete entries, as a client's history shows them.
    const messages = page.messages.map(toMessageEvent).filter(isRoomEntry);
    return { room, messages, hasMore: page.hasMore };
  }
}
