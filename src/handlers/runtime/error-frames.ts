// Driving side: the one error-mapping middleware. Whatever a route throws (a domain error such as
// malformed JSON or a refused action, or an unexpected exception) becomes a typed error frame to the
// caller and a status code; unexpected errors are logged with their stack and never shown to the client.
// A request that already had its answer (an ack, say) gets no error frame: one answer per request.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { ERROR_STATUS, isChatError, peekRequestId, toErrorEvent } from '../../domain/index.js';
import { partialScopeOf } from './chat-scope.js';
import { logger, metrics } from './powertools.js';
import type { WsEvent, WsResult } from './ws-event.js';

/** The requestId the client sent, read from the raw frame when it is JSON. */
function requestIdOf(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
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
      const known = isChatError(error) ? error : undefined;
      const { caller } = partialScopeOf(request.context);
      if (caller?.request?.answered === true) {
        // A client that retried on this error would send its request twice: logs and metrics only.
        logger.error('error after the request was answered', { error: error as Error, code: known?.code });
        metrics.addMetric('ErrorsAfterAnswer', MetricUnit.Count, 1);
        request.response = { statusCode: known === undefined ? 500 : ERROR_STATUS[known.code] };
        return;
      }
      if (known === undefined) logger.error('unexpected error', { error: error as Error });
      else logger.info('request refused', { code: known.code, reason: known.message });

      const frame = toErrorEvent(known ?? error, requestIdOf(request.event.body));
      // Setting the response (not returning it) lets the tracer, logger and metrics close out too.
      request.response = { statusCode: ERROR_STATUS[frame.code] };
      try {
        // Put on the request by the scope middleware; absent only if the configuration itself failed.
        const { notifier } = partialScopeOf(request.context);
        if (notifier === undefined) throw new Error('No notifier: the chain failed before its scope was set');
        await notifier.deliver(request.event.requestContext.connectionId, frame);
      } catch (deliveryError) {
        logger.warn('error frame not delivered', { error: deliveryError as Error, code: frame.code });
      }
    },
  };
}
