// Use case `react`: a user adds or takes back a reaction to a stored message. The caller's reply carries
// the counts at once; the rest of the conversation gets one `reactions_updated` per message per
// gathering window (a delayed queue job when workers exist, at once otherwise).
// (driving adapter) --> react --> memberships, message reactions, notifier, fan-out queue | fan-out

import type { ChatPolicy } from '../chat-policy.js';
import type { FanOutPort, FanOutReport } from '../fan-out/fan-out.port.js';
import type { ReactionSummaryJob } from '../fan-out/fan-out-job.js';
import { directConversation, roomConversation, type Conversation } from '../model/message.js';
import { MAX_REACTION_KINDS, REACTION_SUMMARY_DELAY_SECONDS, summarise } from '../model/reactions.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { FanOutQueuePort } from '../ports/fan-out-queue.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import { ReactionRefused, type MessageReactionsPort } from '../ports/message-reactions.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import type { ReactAction } from '../protocol/client-actions.js';
import { ChatError } from '../protocol/errors.js';
import type { ReactionsUpdatedEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { conversationFields, fanOutToConversation } from './conversation-fan-out.js';
import { requireMember } from './members-only.js';
import { requireMayWrite } from './permission-checks.js';
import { reply } from './replies.js';

export interface ReactDeps {
  readonly memberships: RoomMembershipPort;
  readonly connections: ConnectionRegistryPort;
  readonly notifier: NotifierPort;
  readonly fanOut: FanOutPort;
  readonly clock: ClockPort;
  readonly logger: LoggerPort;
  readonly policy: ChatPolicy;
  /** Without one, reactions are unavailable. */
  readonly reactions?: MessageReactionsPort;
  /** With one, summaries wait out the gathering window in the queue; without, each change sends one. */
  readonly fanOutQueue?: FanOutQueuePort;
}

export class ReactToMessage {
  private readonly summaries: SendReactionSummary;

  constructor(private readonly deps: ReactDeps) {
    this.summaries = new SendReactionSummary(deps);
  }

  async execute(caller: Caller, action: ReactAction): Promise<ReactionsUpdatedEvent> {
    const reactions = this.deps.reactions;
    if (reactions === undefined) {
      throw new ChatError('unavailable', 'This service does not keep message reactions');
    }
    requireMayWrite(caller, 'react to messages');
    const me = caller.identity.userId;
    let conversation: Conversation;
    if ('room' in action.target) {
      const { room } = action.target;
      await requireMember(this.deps.memberships, room, caller, 'to react to its messages');
      conversation = roomConversation(room);
    } else {
      conversation = directConversation(me, action.target.with);
    }
    const { seq, reaction, on } = action;
    let outcome;
    try {
      outcome = await reactions.react(
        conversation,
        { seq, userId: me, reaction, on },
        {
          maxKinds: MAX_REACTION_KINDS,
          expiresAt: this.deps.clock.now() + this.deps.policy.messageRetentionMs,
        },
      );
    } catch (error) {
      if (!(error instanceof ReactionRefused)) throw error;
      if (error.reason === 'no_message') {
        // The same words whether the message never existed, expired or was deleted: nothing about it leaks.
        throw new ChatError('not_found', `No message ${seq} to react to here`, { seq });
      }
      throw new ChatError(
        'too_many_reactions',
        `Message ${seq} already has ${MAX_REACTION_KINDS} different reactions; add one of those instead`,
        { seq, max: MAX_REACTION_KINDS },
      );
    }
    const answer: ReactionsUpdatedEvent = {
      type: 'reactions_updated',
      requestId: action.requestId,
      ...conversationFields(conversation),
      seq,
      reactions: summarise(outcome.counts, new Set(outcome.mine)),
    };
    await reply(this.deps, caller, answer);
    if (outcome.summaryDue) await this.scheduleSummary(conversation, seq);
    return answer;
  }

  /** The window's one summary: a delayed job; if the queue refuses it, sent now rather than lost. */
  private async scheduleSummary(conversation: Conversation, seq: number): Promise<void> {
    const queue = this.deps.fanOutQueue;
    const job: ReactionSummaryJob = { reactionSummary: { conversation, seq } };
    if (queue !== undefined) {
      try {
        await queue.enqueueLater(job, REACTION_SUMMARY_DELAY_SECONDS);
        return;
      } catch (error) {
        this.deps.logger.warn('reaction summary not queued; sending it now', { seq, error });
      }
    }
    await this.summaries.execute(job);
  }
}

/** Sends a message's reaction summary to its conversation and opens the next gathering window. */
export class SendReactionSummary {
  constructor(private readonly deps: ReactDeps) {}

  async execute(job: ReactionSummaryJob): Promise<FanOutReport | undefined> {
    const { conversation, seq } = job.reactionSummary;
    const counts = await this.deps.reactions?.takeSummary(conversation, seq);
    if (counts === undefined) return undefined;
    const event: ReactionsUpdatedEvent = {
      type: 'reactions_updated',
      ...conversationFields(conversation),
      seq,
      reactions: summarise(counts),
    };
    return fanOutToConversation(this.deps, conversation, event);
  }
}
