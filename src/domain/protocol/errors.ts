// Protocol: the typed errors every layer raises, and the one mapping from an error to an error frame.

export const ERROR_CODES = [
  'invalid_json',
  'invalid_request',
  'unknown_action',
  'invalid_room',
  'invalid_user',
  'not_a_member',
  'not_found',
  'forbidden',
  'unknown_room',
  'unknown_connection',
  'message_too_large',
  'rate_limited',
  'too_many_connections',
  'too_many_rooms',
  'too_many_reactions',
  'unauthorized',
  'unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP-style status for each code: used for `$connect` refusals and logs, never sent as a frame status. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_json: 400,
  invalid_request: 400,
  unknown_action: 400,
  invalid_room: 400,
  invalid_user: 400,
  not_a_member: 403,
  not_found: 404,
  forbidden: 403,
  unknown_room: 404,
  unknown_connection: 404,
  message_too_large: 413,
  rate_limited: 429,
  // The handshake's status: API Gateway refuses the connection with it.
  too_many_connections: 429,
  // Not a rate: the connection must leave a room first, waiting does not help.
  too_many_rooms: 403,
  // The message carries as many distinct reactions as it may: only an existing one can be added.
  too_many_reactions: 409,
  unauthorized: 401,
  unavailable: 503,
  internal_error: 500,
};

/** A failure the client caused or may act on. Its `code` is stable; its message is for humans. */
export class ChatError extends Error {
  override readonly name = 'ChatError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function isChatError(error: unknown): error is ChatError {
  return error instanceof ChatError;
}

export interface ErrorEvent {
  readonly type: 'error';
  readonly code: ErrorCode;
  readonly message: string;
  readonly requestId?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Turns anything thrown into the frame the caller receives. Unexpected errors become
 * `internal_error` with a generic message: their text may hold internals and is only logged.
 */
export function toErrorEvent(error: unknown, requestId?: string): ErrorEvent {
  if (isChatError(error)) {
    return { type: 'error', code: error.code, message: error.message, requestId, details: error.details };
  }
  return { type: 'error', code: 'internal_error', message: 'Something went wrong on our side', requestId };
}
