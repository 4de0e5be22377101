// Driving side: the fixed Middy chain every WebSocket route handler is built with, and the glue from
// an event to one use case call: tracer (when on), logger (correlation id = connection id), metrics
// flush, error frames, and optionally the JSON body parser.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Caller, Chat } from '../../domain/index.js';
import { appContainer } from '../composition-root.js';
import { TOKENS } from '../tokens.js';
import { callerOf } from './caller.js';
import { errorFrames } from './error-frames.js';
import { logger, publishMetrics } from './powertools.js';
import { traceInvocations } from './tracing.js';
import type { WsEvent, WsResult } from './ws-event.js';

export interface RouteRequest {
  readonly chat: Chat;
  readonly caller: Caller;
  /** The frame as the client sent it (text; not always JSON). */
  readonly body: string | undefined;
}

/** The chain shared by every WebSocket route. */
export function baseChain() {
  return middy<WsEvent, WsResult>()
    .use(traceInvocations())
    .use(injectLambdaContext(logger, { correlationIdPath: 'requestContext.connectionId', resetKeys: true }))
    .use(publishMetrics());
}

/**
 * A message route: identity from the authorizer, one use case, errors as frames. The frame is decoded by
 * the domain rather than a body parser, because message routes also receive text that is not JSON, and
 * that must become an `invalid_json` frame like any other refusal.
 */
export function chatRoute(run: (request: RouteRequest) => Promise<unknown>) {
  return baseChain()
    .use(errorFrames())
    .handler(async (event) => {
      const container = appContainer();
      const caller = await callerOf(
        event.requestContext,
        container.get(TOKENS.config),
        container.get(TOKENS.connections),
      );
      const chat = container.get(TOKENS.chatFor)(caller.managementEndpoint as string);
      // Every frame counts against the connection's rate limit, before any work is done for it.
      await chat.admission.admit(caller);
      await run({ chat, caller, body: event.body });
      return { statusCode: 200 };
    });
}
