// Use case `history`: a page of a room's or a direct conversation's messages, oldest first.
// (driving adapter) --> history --> memberships, message log, notifier

import { directConversation, roomConversation } from '../model/message.js';
import type { ChatPolicy } from '../chat-policy.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { MessageLogPort } from '../ports/message-log.port.js';
import type { MessageReactionsPort } from '../ports/message-reactions.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { HistoryAction } from '../protocol/client-actions.js';
import type { HistoryEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { requireMember } from './members-only.js';
import { withReaderReactions } from './reader-reactions.js';
import { fitMessages, reply } from './replies.js';

export interface ReadHistoryDeps {
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  readonly notifier: NotifierPort;
  readonly logger: LoggerPort;
  readonly policy: ChatPolicy;
  readonly reactions?: MessageReactionsPort;
}

/**
 * A room's history is for its members. A direct conversation is addressed by the other user (`with`),
 * so a caller can only ever name a conversation they are part of.
 * The page is also cut to fit one @connections payload (128 KiB); `hasMore` then says so.
 */
export class ReadHistory {
  constructor(private readonly deps: ReadHistoryDeps) {}

  async execute(caller: Caller, action: HistoryAction): Promise<HistoryEvent> {
    const { policy } = this.deps;
    let conversation;
    if ('room' in action.target) {
      const { room } = action.target;
      await requireMember(this.deps.memberships, room, caller, 'to read its history');
      conversation = roomConversation(room);
    } else {
      conversation = directConversation(caller.identity.userId, action.target.with);
    }
    const limit = Math.min(action.limit ?? policy.historyLimitDefault, policy.historyLimitMax);
    const page = await this.deps.messages.read(conversation, {
      limit,
      after: action.after,
      before: action.before,
    });
    const base = {
      type: 'history' as const,
      ...action.target,
      requestId: action.requestId,
    };
    const messages = await withReaderReactions(
      this.deps.reactions,
      conversation,
      caller.identity.userId,
      page.messages,
    );
    const fitted = fitMessages(messages, policy.maxPayloadBytes, (messages) => ({
      ...base,
      messages,
      // Measured with the longer of the two values, so the reply fits whichever it ends with.
      hasMore: false,
    }));
    const history: HistoryEvent = {
      ...base,
      messages: fitted.events,
      hasMore: page.hasMore || fitted.dropped,
    };
    await reply(this.deps, caller, history);
    return history;
  }
}
