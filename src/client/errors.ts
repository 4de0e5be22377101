// Client SDK: the one error type a request can fail with. Server error frames keep their protocol code;
// the SDK adds its own codes for what happens on the client side.

import type { ErrorCode } from './protocol.js';

/** `timeout`: no reply in time. `closed`: the client was closed before the reply came. */
export type ClientErrorCode = 'timeout' | 'closed';

export class RoomcastError extends Error {
  override readonly name = 'RoomcastError';

  constructor(
    /** A code from the protocol's error table, or a client-side one. */
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly extra: {
      readonly requestId?: string;
      /** On failed sends: the id to pass again so that a retry can never post the message twice. */
      readonly clientMsgId?: string;
      readonly details?: Readonly<Record<string, unknown>>;
    } = {},
  ) {
    super(message);
  }

  get clientMsgId(): string | undefined {
    return this.extra.clientMsgId;
  }

  get details(): Readonly<Record<string, unknown>> | undefined {
    return this.extra.details;
  }
}
