// Use case `setStatus`: the caller's user says they are available, away or busy (with a short text);
// stored for the user, copied onto each membership of each of their connections so presence reads it
// with the members, and announced to those rooms like a join (only where the room is small enough).
// (driving adapter) --> set status --> user status, connections, memberships, fan-out, notifier

import type { ChatPolicy } from '../chat-policy.js';
import type { FanOutPort } from '../fan-out/fan-out.port.js';
import type { RoomName } from '../model/room.js';
import type { UserStatus } from '../model/user-status.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { UserStatusPort } from '../ports/user-status.port.js';
import type { SetStatusAction } from '../protocol/client-actions.js';
import type { StatusEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { reply } from './replies.js';

export interface SetStatusDeps {
  readonly userStatus?: UserStatusPort;
  readonly connections: ConnectionRegistryPort;
  readonly memberships: RoomMembershipPort;
  readonly fanOut: FanOutPort;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
  readonly clock: ClockPort;
  readonly policy: ChatPolicy;
}

export class SetStatus {
  constructor(private readonly deps: SetStatusDeps) {}

  async execute(caller: Caller, action: SetStatusAction): Promise<StatusEvent> {
    const { userId } = caller.identity;
    const status: UserStatus = {
      status: action.status,
      ...(action.text === undefined ? {} : { text: action.text }),
      changedAt: this.deps.clock.now(),
    };
    // The user's record first: a join that reads it from now on copies the new status.
    await this.deps.userStatus?.set(userId, status);
    const connections = await this.deps.connections.connectionsOfUser(userId);
    // The caller's own connection is in the list once its record exists; a connection still inside
    // `$connect` is not, and gets the status from the user's record on its first join.
    const roomsByConnection = await Promise.all(
      connections.map(async ({ connectionId }) => ({
        connectionId,
        rooms: await this.deps.memberships.roomsOf(connectionId),
      })),
    );
    const touched = new Set<RoomName>();
    await Promise.all(
      roomsByConnection.flatMap(({ connectionId, rooms }) =>
        rooms.map(async (room) => {
          if (await this.deps.memberships.setStatus(room, connectionId, status)) touched.add(room);
        }),
      ),
    );
    const event: StatusEvent = {
      type: 'status',
      status: status.status,
      ...(status.text === undefined ? {} : { statusText: status.text }),
      requestId: action.requestId,
    };
    await reply(this.deps, caller, event);
    // Announced after the reply: the answer to this request is the status event, whatever follows.
    await Promise.all(
      [...touched].map((room) =>
        this.deps.fanOut
          .toRoom(
            room,
            {
              type: 'status_changed',
              room,
              user: caller.identity,
              status: status.status,
              ...(status.text === undefined ? {} : { statusText: status.text }),
            },
            { except: caller.connectionId, atMost: this.deps.policy.announceMaxMembers },
          )
          .catch((error: unknown) => {
            this.deps.logger.warn('status change not announced', { room, error });
          }),
      ),
    );
    return event;
  }
}
