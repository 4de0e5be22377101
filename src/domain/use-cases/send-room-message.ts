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
import { notAMember } from './members-only.js';
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

/**
 * Three round trips before the first member delivery: the reads that depend on nothing (the rate limits,
 * already under way in `admitted`, the membership check and the room's first members) start together;
 * the sequence number and the message write follow; the ack goes out together with the first deliveries.
 * A refused frame (rate limited, too large, not a member) never draws a sequence number, stores nothing
 * and delivers nothing, and is refused in that order of checks.
 */
export class SendRoomMessage {
  constructor(private readonly deps: SendRoomMessageDeps) {}

  async execute(
    caller: Caller,
    action: SendMessageAction,
    admitted: Promise<void> = Promise.resolve(),
  ): Promise<SendResult> {
    const { policy } = this.deps;
    const room = action.room ?? policy.lobbyRoom;
    const member = room === null ? undefined : this.deps.memberships.isMember(room, caller.connectionId);
    const banned = room === null ? undefined : this.deps.bans?.isBanned(room, caller.identity.userId);
    // Awaited below unless an earlier check refuses the frame; then their outcomes no longer matter.
    member?.catch(() => undefined);
    banned?.catch(() => undefined);
    const prepared = room === null ? undefined : this.deps.fanOut.prepare?.(room);

    await admitted;
    if (room === null || member === undefined) {
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
    // A ban also ends the memberships, but a send racing the ban would pass a membership check alone.
    if (!(await member)) throw notAMember(room, 'before sending to it');
    requireMayEnter(caller, room, await banned);

    const { message, duplicate } = await this.deps.messages.append(draft);
    const ack = messageAck({ message, duplicate }, { room }, action);
    const sendAck = (): Promise<void> => reply(this.deps, caller, ack);
    if (duplicate) {
      await sendAck();
      return { message, duplicate };
    }

    // Everyone in the room gets the message, the sending connection too (after its ack), so every
    // client sees the room in one order, as in the classic walkthrough where the sender sees its line.
    // The ack goes out once the fan-out is accepted: with the first deliveries inline, after the shard
    // jobs are enqueued for a large room (if they cannot be, the sender gets `unavailable` instead; the
    // message is stored).
    const fanOut = await this.deps.fanOut.toRoom(room, toMessageEvent(message), {
      onAccepted: sendAck,
      origin: caller.connectionId,
      ...(prepared === undefined ? {} : { prepared }),
    });
    return { message, duplicate, fanOut };
  }
}
