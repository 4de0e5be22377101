// React bindings: what became of each message this application sent, as a reducer. A send is
// `pending` until its ack, then `acked`, or `failed` with the client's typed error; `delivered` turns
// true once the conversation holds the stored message, so a view shows each message once.

import type { RoomcastError } from '../errors.js';
import type { AckEvent } from '../protocol.js';

export type SendStatus = 'pending' | 'acked' | 'failed';

export interface OutgoingMessage {
  /** The idempotency key: a retry reuses it, so the service never stores the message twice. */
  readonly clientMsgId: string;
  readonly text: string;
  readonly status: SendStatus;
  /** The service's ack, once `acked`: its `seq` is the stored message's. */
  readonly ack?: AckEvent;
  /** Why the send failed, once `failed` (`timeout`, `closed`, `message_too_large`, ...). */
  readonly error?: RoomcastError;
  /** The stored message has been delivered to the conversation's `messages`. */
  readonly delivered: boolean;
}

export type SendAction =
  | { readonly type: 'sent'; readonly clientMsgId: string; readonly text: string }
  | {
      readonly type: 'acked';
      readonly clientMsgId: string;
      readonly ack: AckEvent;
      readonly delivered: boolean;
    }
  | { readonly type: 'failed'; readonly clientMsgId: string; readonly error: RoomcastError }
  | { readonly type: 'retried'; readonly clientMsgId: string }
  | { readonly type: 'delivered'; readonly seq: number };

type Sends = readonly OutgoingMessage[];

/** Replaces the one send `change` returns a new value for; the same array when nothing changed. */
function replaceOne(sends: Sends, change: (send: OutgoingMessage) => OutgoingMessage | undefined): Sends {
  for (let index = 0; index < sends.length; index += 1) {
    const send = sends[index] as OutgoingMessage;
    const changed = change(send);
    if (changed !== undefined) return [...sends.slice(0, index), changed, ...sends.slice(index + 1)];
  }
  return sends;
}

/** Pure: the next list of sends. Actions that do not apply (a late or repeated one) change nothing. */
export function reduceSends(sends: Sends, action: SendAction): Sends {
  switch (action.type) {
    case 'sent':
      if (sends.some((send) => send.clientMsgId === action.clientMsgId)) return sends;
      return [
        ...sends,
        { clientMsgId: action.clientMsgId, text: action.text, status: 'pending', delivered: false },
      ];
    case 'acked':
      return replaceOne(sends, (send) =>
        send.clientMsgId === action.clientMsgId && send.status === 'pending'
          ? {
              clientMsgId: send.clientMsgId,
              text: send.text,
              status: 'acked',
              ack: action.ack,
              delivered: action.delivered,
            }
          : undefined,
      );
    case 'failed':
      return replaceOne(sends, (send) =>
        send.clientMsgId === action.clientMsgId && send.status === 'pending'
          ? { ...send, status: 'failed', error: action.error }
          : undefined,
      );
    case 'retried':
      return replaceOne(sends, (send) =>
        send.clientMsgId === action.clientMsgId && send.status === 'failed'
          ? { clientMsgId: send.clientMsgId, text: send.text, status: 'pending', delivered: false }
          : undefined,
      );
    case 'delivered':
      return replaceOne(sends, (send) =>
        send.status === 'acked' && !send.delivered && send.ack?.seq === action.seq
          ? { ...send, delivered: true }
          : undefined,
      );
  }
}
