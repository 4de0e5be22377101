// Driving side: the start of every WebSocket function's Middy chain: tracer (only with SDK_TRACING=on),
// logger (correlation id = the connection id) and the metrics flush. Each function adds its error mapping,
// its scope (chat-scope.ts) and its handler.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger, publishMetrics } from './powertools.js';
import { traceInvocations } from './tracing.js';
import type { WsEvent, WsResult } from './ws-event.js';

export function baseChain() {
  return middy<WsEvent, WsResult>()
    .use(traceInvocations())
    .use(injectLambdaContext(logger, { correlationIdPath: 'requestContext.connectionId', resetKeys: true }))
    .use(publishMetrics());
}
