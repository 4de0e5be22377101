// Use cases for backends that speak: into a room (stored, sequenced, fanned out like any message), to a
// user (a direct message from `system`, stored in their conversation), or to everyone (a notice).
// (HTTP API / CLI) --> publish --> message log, fan-out

import type { ChatPolicy } from '../../chat-policy.js';
import type { FanOutPort, FanOutReport } from '../../fan-out/fan-out.port.js';
import type { UserId } from '../../model/identity.js';
import { directConversation, roomConversation, type MessageDraft } from '../../model/message.js';
import type { RoomName } from '../../model/room.js';
import type { ClockPort } from '../../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../../ports/connection-registry.port.js';
import type { IdGeneratorPort } from '../../ports/id-generator.port.js';
import type { MessageLogPort } from '../../ports/message-log.port.js';
import type { LoggerPort } from '../../ports/logger.port.js';
import type { ReadMarkersPort } from '../../ports/read-markers.port.js';
import type { RoomMembershipPort } from '../../ports/room-membership.port.js';
import { toMessageEvent, type NoticeEvent } from '../../protocol/server-events.js';
import { noteDirectMessage } from '../direct-read-state.js';
import { checkTextLength, draftMessage } from '../message-rules.js';
import type { SendResult } from '../send-room-message.js';
import { backendSender, backendText } from './backend-sender.js';
import { requireKnownRoom } from './room-existence.js';

export interface PublishDeps {
  readonly connections: ConnectionRegistryPort;
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  readonly fanOut: FanOutPort;
  readonly clock: ClockPort;
  readonly ids: IdGeneratorPort;
  readonly policy: ChatPolicy;
  readonly logger: LoggerPort;
  readonly readMarkers?: ReadMarkersPort;
}

export interface PublishInput {
  readonly text: unknown;
  readonly from?: unknown;
  /** Idempotency key, as for clients: a retried publish is stored and delivered once. */
  readonly clientMsgId?: string;
}

/** A backend's message is stored and delivered as a client's is, and reports the same. */
export type PublishResult = SendResult;

export class Publish {
  constructor(private readonly deps: PublishDeps) {}

  /**
   * Into a room that exists (has members or history). The room's existence and its first members are
   * read at once, then the number and the write, then the deliveries: three round trips.
   */
  async toRoom(room: RoomName, input: PublishInput): Promise<PublishResult> {
    const draft = this.draft(input, { kind: 'room', room });
    const prepared = this.deps.fanOut.prepare?.(room);
    await requireKnownRoom(this.deps, room, prepared?.firstPage);
    const { message, duplicate } = await this.deps.messages.append(draft);
    if (duplicate) return { message, duplicate };
    const fanOut = await this.deps.fanOut.toRoom(
      room,
      toMessageEvent(message),
      prepared === undefined ? {} : { prepared },
    );
    return { message, duplicate, fanOut };
  }

  /** To every connection of a user, kept in their conversation with `system`; they are read meanwhile. */
  async toUser(userId: UserId, input: PublishInput): Promise<PublishResult> {
    const draft = this.draft(input, { kind: 'user', userId });
    const connections = this.deps.connections.connectionsOfUser(userId);
    connections.catch(() => undefined);
    const { message, duplicate } = await this.deps.messages.append(draft);
    if (duplicate) return { message, duplicate };
    const recipients = (await connections).map((c) => c.connectionId);
    const fanOut = await this.deps.fanOut.toConnections(recipients, toMessageEvent(message));
    await noteDirectMessage(this.deps, message, { recipient: userId });
    return { message, duplicate, fanOut };
  }

  /** A notice to every live connection, page by page; stale connections are cleaned up on the way. */
  async toEveryone(
    input: Pick<PublishInput, 'text' | 'from'>,
  ): Promise<{ notice: NoticeEvent; fanOut: FanOutReport }> {
    const text = backendText(input.text);
    checkTextLength(text, this.deps.policy);
    const notice: NoticeEvent = {
      type: 'notice',
      messageId: this.deps.ids.newId(),
      from: backendSender(input.from),
      text,
      sentAt: this.deps.clock.now(),
    };
    return { notice, fanOut: await this.deps.fanOut.toEveryone(notice) };
  }

  private draft(
    input: PublishInput,
    target: { kind: 'room'; room: RoomName } | { kind: 'user'; userId: UserId },
  ): MessageDraft {
    const text = backendText(input.text);
    checkTextLength(text, this.deps.policy);
    const from = backendSender(input.from);
    return draftMessage(this.deps, {
      conversation:
        target.kind === 'room'
          ? roomConversation(target.room)
          : directConversation(from.userId, target.userId),
      from,
      ...(target.kind === 'user' ? { to: target.userId } : {}),
      text,
      clientMsgId: input.clientMsgId,
    });
  }
}
