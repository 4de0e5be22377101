// Use case `editMessage` / `deleteMessage`: a user changes one of their own messages (a moderator any
// message of a room they are in), in a room or a direct conversation. The change takes its own place in the conversation's sequence, answers the
// caller and reaches everyone else there; a refused change draws no sequence number.
// (driving adapter) --> amend message --> memberships, message log, notifier, fan-out, connections

import type { ChatPolicy } from '../chat-policy.js';
import type { FanOutPort, FanOutReport } from '../fan-out/fan-out.port.js';
import type { Identity } from '../model/identity.js';
import { isModerator } from '../model/permissions.js';
import { directConversation, roomConversation, type Amendment, type Conversation } from '../model/message.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { IdGeneratorPort } from '../ports/id-generator.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { MessageLogPort } from '../ports/message-log.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { DeleteMessageAction, EditMessageAction } from '../protocol/client-actions.js';
import { ChatError } from '../protocol/errors.js';
import { toMessageEvent, type AmendmentEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { fanOutToConversation } from './conversation-fan-out.js';
import { requireMember } from './members-only.js';
import { requireMayWrite } from './permission-checks.js';
import { checkTextLength, draftMessage } from './message-rules.js';
import { reply } from './replies.js';

export interface AmendMessageDeps {
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  readonly connections: ConnectionRegistryPort;
  readonly notifier: NotifierPort;
  readonly fanOut: FanOutPort;
  readonly clock: ClockPort;
  readonly ids: IdGeneratorPort;
  readonly logger: LoggerPort;
  readonly policy: ChatPolicy;
}

/** A change to make, whoever asks for it: a user (own messages only) or a backend (any message). */
export interface AmendRequest {
  readonly conversation: Conversation;
  readonly seq: number;
  /** The new text of an edit; absent for a delete. */
  readonly text?: string;
  readonly by: Identity;
  /** Only the sender of the message may change it (clients); backends moderate, so may change any. */
  readonly ownOnly: boolean;
}

export interface AmendResult {
  readonly event: AmendmentEvent;
  readonly fanOut: FanOutReport;
}

export class AmendMessage {
  constructor(private readonly deps: AmendMessageDeps) {}

  async execute(caller: Caller, action: EditMessageAction | DeleteMessageAction): Promise<AmendResult> {
    const me = caller.identity.userId;
    requireMayWrite(caller, action.action === 'editMessage' ? 'edit messages' : 'delete messages');
    let conversation: Conversation;
    // Moderation reaches rooms only: a direct conversation stays its two users' own.
    let ownOnly = true;
    if ('room' in action.target) {
      const { room } = action.target;
      await requireMember(this.deps.memberships, room, caller, 'to change its messages');
      conversation = roomConversation(room);
      ownOnly = !isModerator(caller.permissions);
    } else {
      conversation = directConversation(me, action.target.with);
    }
    return this.amend(
      {
        conversation,
        seq: action.seq,
        ...(action.action === 'editMessage' ? { text: action.text } : {}),
        by: caller.identity,
        ownOnly,
      },
      async (event) => {
        await reply(this.deps, caller, { ...event, requestId: action.requestId });
      },
    );
  }

  /**
   * Checks the target, stores the change, answers (through `answer`, for a client) and fans the change
   * out to the whole conversation. The asking connection gets it too, after its answer, as a sender
   * gets its own message after the ack: every connection meets the change in the same place in order.
   */
  async amend(
    request: AmendRequest,
    answer?: (event: AmendmentEvent) => Promise<void>,
  ): Promise<AmendResult> {
    const { conversation, seq, text } = request;
    if (text !== undefined) checkTextLength(text, this.deps.policy);
    const original = await this.deps.messages.get(conversation, seq);
    if (original === undefined || original.amends !== undefined || original.deletedAt !== undefined) {
      throw new ChatError('not_found', `No message ${seq} to change here`, { seq });
    }
    if (request.ownOnly && original.from.userId !== request.by.userId) {
      throw new ChatError('forbidden', 'Only the sender of a message may change it', { seq });
    }
    const amends: Amendment = { kind: text === undefined ? 'delete' : 'edit', target: seq };
    const draft = draftMessage(this.deps, {
      conversation,
      from: request.by,
      text: text ?? '',
      clientMsgId: undefined,
      amends,
    });
    const stored = await this.deps.messages.amend({ ...draft, amends });
    const event = toMessageEvent(stored) as AmendmentEvent;
    await answer?.(event);
    return { event, fanOut: await fanOutToConversation(this.deps, conversation, event) };
  }
}
