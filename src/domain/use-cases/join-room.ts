// Use case `join`: add the caller to a room, tell the others, reply with presence (and missed messages).
// (driving adapter) --> join --> memberships, message log, announcer, notifier

import { roomConversation } from '../model/message.js';
import type { Occupancy } from '../model/occupancy.js';
import type { RoomName } from '../model/room.js';
import type { ChatPolicy } from '../chat-policy.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { MessageLogPort } from '../ports/message-log.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { BanPort } from '../ports/ban.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { ReadMarkersPort } from '../ports/read-markers.port.js';
import type { UserStatusPort } from '../ports/user-status.port.js';
import type { OccupancyPort } from '../ports/occupancy.port.js';
import type { MessageReactionsPort } from '../ports/message-reactions.port.js';
import { unreadCount } from '../model/read-state.js';
import { mayEnter } from '../model/permissions.js';
import type { JoinAction } from '../protocol/client-actions.js';
import { ChatError } from '../protocol/errors.js';
import { isRoomEntry, type JoinedEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import type { Arrival, MembershipAnnouncer } from './membership-announcer.js';
import { requireMayEnter } from './permission-checks.js';
import { presenceSnapshot } from './presence-snapshot.js';
import { withReaderReactions } from './reader-reactions.js';
import { fitMessages, reply } from './replies.js';

export interface JoinRoomDeps {
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  /** Without one, every member shows as available. */
  readonly userStatus?: UserStatusPort;
  /** Without one, every room counts as never read. */
  readonly readMarkers?: ReadMarkersPort;
  /** Without one, `joined` carries no occupancy. */
  readonly occupancy?: OccupancyPort;
  /** Without one, missed messages carry no reactions of the caller's. */
  readonly reactions?: MessageReactionsPort;
  /** Without one, nobody is banned. */
  readonly bans?: BanPort;
  readonly announcer: MembershipAnnouncer;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
  readonly clock: ClockPort;
  readonly policy: ChatPolicy;
}

/**
 * Joining twice is harmless: the membership is refreshed, nobody is told twice, the caller gets
 * a fresh snapshot. With `since`, the reply carries the messages after that sequence number.
 * A connection in `maxRoomsPerConnection` rooms (the lobby counts: `$disconnect` leaves it like any
 * other) gets `too_many_rooms` for a new one; rejoining a room it is in is not counted again. Joins
 * sent at once may each pass the count: the overshoot is bounded by the connection's rate-limit burst.
 */
export class JoinRoom {
  constructor(private readonly deps: JoinRoomDeps) {}

  async execute(
    caller: Caller,
    action: JoinAction,
    admitted: Promise<void> = Promise.resolve(),
  ): Promise<JoinedEvent> {
    const { room } = action;
    const { policy } = this.deps;
    const conversation = roomConversation(room);
    // The room patterns need no read: a room outside them starts none (and is refused after the rate limits).
    if (!mayEnter(caller.permissions, room)) {
      await admitted;
      requireMayEnter(caller, room, false);
    }
    // The reads at once, and with the rate limits (`admitted`): neither the cap, the ban, the status nor the
    // read state costs an extra round trip.
    const reads = Promise.all([
      this.deps.memberships.isMember(room, caller.connectionId),
      this.deps.memberships.roomsOf(caller.connectionId),
      this.deps.userStatus?.get(caller.identity.userId),
      this.deps.readMarkers?.readSeq(caller.identity.userId, conversation),
      this.deps.messages.latestSeq(conversation),
      this.deps.bans?.isBanned(room, caller.identity.userId),
    ]);
    reads.catch(() => undefined);
    await admitted;
    const [alreadyMember, rooms, status, readSeq, lastSeq, banned] = await reads;
    requireMayEnter(caller, room, banned);
    if (!alreadyMember) {
      const others = rooms.filter((joined) => joined !== room).length;
      if (others >= policy.maxRoomsPerConnection) {
        throw new ChatError(
          'too_many_rooms',
          `A connection may be in at most ${policy.maxRoomsPerConnection} rooms; leave one first`,
          {
            maxRooms: policy.maxRoomsPerConnection,
          },
        );
      }
    }
    await this.deps.memberships.add({
      room,
      connectionId: caller.connectionId,
      userId: caller.identity.userId,
      displayName: caller.identity.displayName,
      joinedAt: this.deps.clock.now(),
      expiresAt: caller.connectedAt + policy.connectionTtlMs,
      ...(status === undefined ? {} : { status }),
    });
    // Once the membership is written (so the snapshot holds the caller and no message falls between the
    // missed ones and the live ones), the announcement, the snapshot, the counts and the missed messages
    // go at once. The counts are read after the arrival, so the joiner is counted.
    const arrival = alreadyMember
      ? undefined
      : this.deps.announcer.arrived(room, caller.identity, caller.connectionId);
    const announced = arrival?.then((counted) => counted.announce());
    announced?.catch(() => undefined);
    const missedPage =
      action.since === undefined
        ? undefined
        : this.deps.messages.read(conversation, {
            after: action.since,
            limit: policy.historyLimitMax,
          });
    missedPage?.catch(() => undefined);
    const [snapshot, occupancy] = await Promise.all([
      presenceSnapshot(this.deps.memberships, room, {
        maxUsers: policy.presenceMaxUsers,
        pageSize: policy.membersPageSize,
      }),
      this.occupancyAfter(room, arrival),
      // A count that fails fails the join before its reply, as the membership write would.
      arrival,
    ]);
    const base: JoinedEvent = {
      type: 'joined',
      room,
      ...snapshot,
      ...unreadCount(readSeq ?? 0, lastSeq),
      ...(occupancy === undefined ? {} : { occupancy }),
      requestId: action.requestId,
    };
    let joined = base;
    if (missedPage !== undefined) {
      const page = await missedPage;
      const messages = await withReaderReactions(
        this.deps.reactions,
        conversation,
        caller.identity.userId,
        page.messages,
      );
      const fitted = fitMessages(messages, policy.maxPayloadBytes, (missed) => ({
        ...base,
        missed: missed.filter(isRoomEntry),
        // Measured with the longer of the two values, so the reply fits whichever it ends with.
        hasMore: false,
      }));
      joined = {
        ...base,
        missed: fitted.events.filter(isRoomEntry),
        hasMore: page.hasMore || fitted.dropped,
      };
    }
    await Promise.all([reply(this.deps, caller, joined), announced]);
    return joined;
  }

  /** The room's counts once the arrival is counted, so the joiner is; a failed read leaves them out. */
  private async occupancyAfter(
    room: RoomName,
    arrival: Promise<Arrival> | undefined,
  ): Promise<Occupancy | undefined> {
    const { occupancy } = this.deps;
    if (occupancy === undefined) return undefined;
    await arrival;
    try {
      return await occupancy.get(room);
    } catch (error) {
      this.deps.logger.warn('occupancy not read', { room, error });
      return undefined;
    }
  }
}
