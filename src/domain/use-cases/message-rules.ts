// Use-case helper: the checks every outgoing chat message passes before anything is stored, and the
// draft they are made on.

import type { ChatPolicy } from '../chat-policy.js';
import type { Identity, UserId } from '../model/identity.js';
import type { Amendment, Conversation, MessageDraft, StoredMessage } from '../model/message.js';
import type { RoomName } from '../model/room.js';
import type { ClockPort } from '../ports/clock.port.js';
import type { IdGeneratorPort } from '../ports/id-generator.port.js';
import { ChatError } from '../protocol/errors.js';
import {
  encodedSize,
  toMessageEvent,
  type AckEvent,
  type ConversationEntryEvent,
} from '../protocol/server-events.js';

/** Refuses text longer than the policy allows, counted in Unicode code points. */
export function checkTextLength(text: string, policy: ChatPolicy): void {
  let length = 0;
  for (const _ of text) {
    length += 1;
    if (length > policy.maxTextChars) {
      throw new ChatError('message_too_large', `The text is longer than ${policy.maxTextChars} characters`, {
        maxTextChars: policy.maxTextChars,
      });
    }
  }
}

/**
 * Refuses a message whose event would not fit in one API Gateway frame. The event is measured with
 * the largest sequence number it could carry, so the check cannot pass now and fail after storing.
 */
export function checkFrameSize(event: ConversationEntryEvent, policy: ChatPolicy): void {
  const size = encodedSize({ ...event, seq: Number.MAX_SAFE_INTEGER });
  if (size > policy.maxFrameBytes) {
    throw new ChatError(
      'message_too_large',
      `The message would be ${size} bytes on the wire; the limit is ${policy.maxFrameBytes}`,
      { bytes: size, maxFrameBytes: policy.maxFrameBytes },
    );
  }
}

/** What the sender of a message decides; `draftMessage` stamps the rest. */
export interface DraftContent {
  readonly conversation: Conversation;
  readonly from: Identity;
  /** Only for direct messages: the recipient. */
  readonly to?: UserId;
  readonly text: string;
  readonly clientMsgId: string | undefined;
  /** For an edit or a delete entry: what it changes. */
  readonly amends?: Amendment;
}

/**
 * A message as it will be stored, from a client or a backend alike: a new id, the time, the expiry the
 * policy gives it, and the frame it would travel in checked (the text's length is the caller's to check
 * first, at the point its own rules put it).
 */
export function draftMessage(
  deps: { readonly clock: ClockPort; readonly ids: IdGeneratorPort; readonly policy: ChatPolicy },
  content: DraftContent,
): MessageDraft {
  const sentAt = deps.clock.now();
  const draft: MessageDraft = {
    conversation: content.conversation,
    messageId: deps.ids.newId(),
    from: content.from,
    to: content.to,
    text: content.text,
    sentAt,
    expiresAt: sentAt + deps.policy.messageRetentionMs,
    clientMsgId: content.clientMsgId,
    ...(content.amends === undefined ? {} : { amends: content.amends }),
  };
  checkFrameSize(toMessageEvent({ ...draft, seq: 0 }), deps.policy);
  return draft;
}

/**
 * The sender's ack of a stored message, to a room or to a user alike: where it went (`room` or `to`), its
 * place in the conversation, whether it repeats an accepted clientMsgId, and the ids the client sent.
 */
export function messageAck(
  stored: { readonly message: StoredMessage; readonly duplicate: boolean },
  target: { readonly room: RoomName } | { readonly to: UserId },
  action: { readonly requestId?: string | undefined; readonly clientMsgId?: string | undefined },
): AckEvent {
  const { message, duplicate } = stored;
  return {
    type: 'ack',
    ...target,
    seq: message.seq,
    messageId: message.messageId,
    sentAt: message.sentAt,
    duplicate,
    requestId: action.requestId,
    clientMsgId: action.clientMsgId,
  };
}
