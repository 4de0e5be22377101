// Use case `sendDirect`: store a message in the two users' conversation and deliver it to every
// connection of the recipient and to the sender's other connections.
// (driving adapter) --> sendDirect --> message log, connection registry, notifier, fan-out

import { directConversation, type MessageDraft } from '../model/message.js';
import type { ChatPolicy } from '../chat-policy.js';
import type { FanOutPort } from '../fan-out/fan-out.port.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { IdGeneratorPort } from '../ports/id-generator.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { MessageLogPort } from '../ports/message-log.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { SendDirectAction } from '../protocol/client-actions.js';
import { toMessageEvent, type AckEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { checkFrameSize, checkTextLength } from './message-rules.js';
import { reply } from './replies.js';
import type { SendResult } from './send-room-message.js';

export interface SendDirectMessageDeps {
  readonly connections: ConnectionRegistryPort;
  readonly messages: MessageLogPort;
  readonly notifier: NotifierPort;
  readonly fanOut: FanOutPort;
  readonly clock: ClockPort;
  readonly ids: IdGeneratorPort;
  readonly logger: LoggerPort;
  readonly policy: ChatPolicy;
}

/** A recipient who is offline still gets the message: it waits in the conversation's history. */
export class SendDirectMessage {
  constructor(private readonly deps: SendDirectMessageDeps) {}

  async execute(caller: Caller, action: SendDirectAction): Promise<SendResult> {
    const { policy } = this.deps;
    const me = caller.identity.userId;
    checkTextLength(action.text, policy);
    const sentAt = this.deps.clock.now();
    const draft: MessageDraft = {
      conversation: directConversation(me, action.to),
      messageId: this.deps.ids.newId(),
      from: caller.identity,
      to: action.to,
      text: action.text,
      sentAt,
      expiresAt: sentAt + policy.messageRetentionMs,
      clientMsgId: action.clientMsgId,
    };
    checkFrameSize(toMessageEvent({ ...draft, seq: 0 }), policy);

    const { message, duplicate } = await this.deps.messages.append(draft);
    const ack: AckEvent = {
      type: 'ack',
      to: action.to,
      seq: message.seq,
      messageId: message.messageId,
      sentAt: message.sentAt,
      duplicate,
      requestId: action.requestId,
      clientMsgId: action.clientMsgId,
    };
    await reply(this.deps, caller.connectionId, ack);
    if (duplicate) return { message, duplicate };

    const [theirs, mine] = await Promise.all([
      this.deps.connections.connectionsOfUser(action.to),
      action.to === me ? Promise.resolve([]) : this.deps.connections.connectionsOfUser(me),
    ]);
    const recipients = [...theirs, ...mine]
      .map((connection) => connection.connectionId)
      .filter((id) => id !== caller.connectionId);
    const fanOut = await this.deps.fanOut.toConnections(recipients, toMessageEvent(message));
    return { message, duplicate, fanOut };
  }
}
