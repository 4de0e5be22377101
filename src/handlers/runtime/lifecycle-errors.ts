// Driving side: the error mapping of `$connect` and `$disconnect`, whose answer is only a status code
// (no frame can be posted during `$connect`, nor after `$disconnect`). A refusal (a ChatError) answers
// with its code's status where the route can refuse; anything else is logged with its stack and answers 500.

import type { MiddlewareObj } from '@middy/core';
import { ERROR_STATUS, isChatError } from '../../domain/index.js';
import { logger } from './powertools.js';
import type { WsEvent, WsResult } from './ws-event.js';

export function lifecycleErrors(messages: {
  /** Logged (WARN) for a refusal; a route without it refuses nothing, and every error is a failure. */
  readonly refused?: string;
  /** Logged (ERROR) for anything unexpected. */
  readonly failed: string;
}): MiddlewareObj<WsEvent, WsResult> {
  return {
    onError: (request) => {
      const error = request.error;
      if (messages.refused !== undefined && isChatError(error)) {
        logger.warn(messages.refused, { code: error.code, reason: error.message });
        request.response = { statusCode: ERROR_STATUS[error.code] };
        return;
      }
      logger.error(messages.failed, { error: error as Error });
      request.response = { statusCode: 500 };
    },
  };
}
