// Use case `sendDirect`: store a message in the two users' conversation and deliver it to every
// connection of the recipient and to the sender's other connections.
// (driving adapter) --> sendDirect --> message log, connection registry, notifier, fan-out

import { directConversation } from '../model/message.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { SendDirectAction } from '../protocol/client-actions.js';
import { toMessageEvent } from '../protocol/server-events.js';
import type { ReadMarkersPort } from '../ports/read-markers.port.js';
import type { Caller } from './caller.js';
import { noteDirectMessage } from './direct-read-state.js';
import { requireMayWrite } from './permission-checks.js';
import { checkTextLength, draftMessage, messageAck } from './message-rules.js';
import { reply } from './replies.js';
import type { SendMessageDeps, SendResult } from './send-room-message.js';

export interface SendDirectMessageDeps extends SendMessageDeps {
  readonly connections: ConnectionRegistryPort;
  readonly readMarkers?: ReadMarkersPort;
}

/**
 * A recipient who is offline still gets the message: it waits in the conversation's history. Three round
 * trips before the first delivery, as for a room: the rate limits (`admitted`) and both users' connections
 * are read together; the sequence number and the write follow; the ack goes out with the deliveries.
 */
export class SendDirectMessage {
  constructor(private readonly deps: SendDirectMessageDeps) {}

  async execute(
    caller: Caller,
    action: SendDirectAction,
    admitted: Promise<void> = Promise.resolve(),
  ): Promise<SendResult> {
    const { policy } = this.deps;
    const me = caller.identity.userId;
    const recipients = Promise.all([
      this.deps.connections.connectionsOfUser(action.to),
      action.to === me ? Promise.resolve([]) : this.deps.connections.connectionsOfUser(me),
    ]);
    // Awaited below unless the frame is refused first; then its outcome no longer matters.
    recipients.catch(() => undefined);

    await admitted;
    requireMayWrite(caller, 'send messages');
    checkTextLength(action.text, policy);
    const draft = draftMessage(this.deps, {
      conversation: directConversation(me, action.to),
      from: caller.identity,
      to: action.to,
      text: action.text,
      clientMsgId: action.clientMsgId,
    });

    const { message, duplicate } = await this.deps.messages.append(draft);
    const ack = messageAck({ message, duplicate }, { to: action.to }, action);
    if (duplicate) {
      await reply(this.deps, caller, ack);
      return { message, duplicate };
    }
    const [theirs, mine] = await recipients;
    const others = [...theirs, ...mine]
      .map((connection) => connection.connectionId)
      .filter((id) => id !== caller.connectionId);
    const [fanOut] = await Promise.all([
      this.deps.fanOut.toConnections(others, toMessageEvent(message)),
      reply(this.deps, caller, ack),
    ]);
    await noteDirectMessage(this.deps, message, { recipient: action.to, sender: me });
    return { message, duplicate, fanOut };
  }
}
