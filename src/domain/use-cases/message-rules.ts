// Use-case helper: the checks every outgoing chat message passes before anything is stored.

import type { ChatPolicy } from '../chat-policy.js';
import { ChatError } from '../protocol/errors.js';
import { encodedSize, type DirectMessageEvent, type RoomMessageEvent } from '../protocol/server-events.js';

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
export function checkFrameSize(event: RoomMessageEvent | DirectMessageEvent, policy: ChatPolicy): void {
  const size = encodedSize({ ...event, seq: Number.MAX_SAFE_INTEGER });
  if (size > policy.maxFrameBytes) {
    throw new ChatError(
      'message_too_large',
      `The message would be ${size} bytes on the wire; the limit is ${policy.maxFrameBytes}`,
      { bytes: size, maxFrameBytes: policy.maxFrameBytes },
    );
  }
}
