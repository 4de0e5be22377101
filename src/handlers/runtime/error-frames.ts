// Driving side: the one error-mapping middleware. Whatever a route throws (a domain error, malformed
// JSON from the body parser, an unexpected exception) becomes a typed error frame to the caller and a
// status code; unexpected errors are logged with their stack and never shown to the client.

import type { MiddlewareObj } from '@middy/core';
import { ChatError, ERROR_STATUS, isChatError, peekRequestId, toErrorEvent } from '../../domain/index.js';
import { appContainer } from '../composition-root.js';
import { TOKENS } from '../tokens.js';
import { managementEndpointOf } from './caller.js';
import { logger } from './powertools.js';
import type { WsEvent, WsResult } from './ws-event.js';

/** Middy's body parser throws an HttpError (415 or 422 by version) for a body that is not JSON. */
function isBodyParserError(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return (status === 415 || status === 422) && (error as { expose?: unknown }).expose === true;
}

function asChatError(error: unknown): ChatError | undefined {
  if (isChatError(error)) return error;
  if (isBodyParserError(error)) return new ChatError('invalid_json', 'The frame is not valid JSON');
  return undefined;
}

/** The requestId the client sent, read from the parsed body or, failing that, from the raw text. */
function requestIdOf(body: unknown): string | undefined {
  if (typeof body !== 'string') return peekRequestId(body);
  try {
    return peekRequestId(JSON.parse(body));
  } catch {
    return undefined;
  }
}

export function errorFrames(): MiddlewareObj<WsEvent, WsResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      const known = asChatError(error);
      if (known === undefined) logger.error('unexpected error', { error: error as Error });
      else logger.info('request refused', { code: known.code, reason: known.message });

      const frame = toErrorEvent(known ?? error, requestIdOf(request.event.body));
      // Setting the response (not returning it) lets the tracer, logger and metrics close out too.
      request.response = { statusCode: ERROR_STATUS[frame.code] };
      try {
        const container = appContainer();
        const endpoint = managementEndpointOf(request.event.requestContext, container.get(TOKENS.config));
        await container
          .get(TOKENS.notifierFor)(endpoint)
          .deliver(request.event.requestContext.connectionId, frame);
      } catch (deliveryError) {
        logger.warn('error frame not delivered', { error: deliveryError as Error, code: frame.code });
      }
    },
  };
}
