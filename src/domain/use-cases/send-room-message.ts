// Use case `sendMessage`: validate, require membership, store with the room's next sequence number,
// acknowledge, then fan out to every member connection of the room (the sender's included).
// (driving adapter) --> sendMessage --> memberships, message log, notifier, fan-out

import { roomConversation, type StoredMessage } from '../model/message.js';
import type { ChatPolicy } from '../chat-policy.js';
import type { FanOutPort, FanOutReport } from '../fan-out/fan-out.port.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { IdGeneratorPort } from '../ports/id-generator.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { MessageLogPort } from '../ports/message-log.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { BanPort } from '../ports/ban.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { SendMessageAction } from '../protocol/client-actions.js';
import { ChatError } from '../protocol/errors.js';
import { toMessageEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { requireMember } from './members-only.js';
import { requireMayEnter, requireMayWrite } from './permission-checks.js';
import { checkTextLength, draftMessage, messageAck } from './message-rules.js';
import { reply } from './replies.js';

/**
 * What sending a client's message takes whoever it goes to: SendRoomMessage adds the room memberships,
 * SendDirectMessage the users' connections.
 */
export interface SendMessageDeps {
  readonly messages: MessageLogPort;
  readonly notifier: NotifierPort;
  readonly fanOut: FanOutPort;
  readonly clock: ClockPort;
  readonly ids: IdGeneratorPort;
  readonly logger: LoggerPort;
  readonly policy: ChatPolicy;
}

export interface SendRoomMessageDeps extends SendMessageDeps {
  readonly memberships: RoomMembershipPort;
  /** Without one, nobody is banned. */
  readonly bans?: BanPort;
}

export interface SendResult {
  readonly message: StoredMessage;
  readonly duplicate: boolean;
  /** Absent for a duplicate: nothing is delivered twice. */
  readonly fanOut?: FanOutReport;
}

/** The ack goes out before any delivery, so the sender's latency does not grow with the room. */
export class SendRoomMessage {
  constructor(private readonly deps: SendRoomMessageDeps) {}

  async execute(caller: Caller, action: SendMessageAction): Promise<SendResult> {
    const { policy } = this.deps;
    const room = action.room ?? policy.lobbyRoom;
    if (room === null) {
      throw new ChatError('invalid_room', '"room" is required: this service has no lobby', { field: 'room' });
    }
    requireMayWrite(caller, 'send messages');
    checkTextLength(action.text, policy);
    const draft = draftMessage(this.deps, {
      conversation: roomConversation(room),
      from: caller.identity,
      text: action.text,
      clientMsgId: action.clientMsgId,
    });
    // The ban is read beside the membership: no extra round trip. A ban also ends the memberships,
    // but a send racing the ban would pass a membership check alone.
    const [, banned] = await Promise.all([
      requireMember(this.deps.memberships, room, caller, 'before sending to it'),
      this.deps.bans?.isBanned(room, caller.identity.userId),
    ]);
    requireMayEnter(caller, room, banned);

    // Whether this room is fanned out inline or by workers is read while the message is stored.
    this.deps.fanOut.warm?.(room);
    const { message, duplicate } = await this.deps.messages.append(draft);
    const ack = messageAck({ message, duplicate }, { room }, action);
    const sendAck = (): Promise<void> => reply(this.deps, caller, ack);
    if (duplicate) {
      await sendAck();
      return { message, duplicate };
    }

    // Everyone in the room gets the message, the sending connection too (after its ack), so every
    // client sees the room in one order, as in the classic walkthrough where the sender sees its line.
    // The ack goes out once the fan-out is accepted: at once inline, after the shard jobs are enqueued
    // for a large room (if they cannot be, the sender gets `unavailable` instead; the message is stored).
    const fanOut = await this.deps.fanOut.toRoom(room, toMessageEvent(message), { onAccepted: sendAck });
    return { message, duplicate, fanOut };
  }
}
