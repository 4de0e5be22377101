// Driving side: the fixed Middy chain every WebSocket route handler is built with, and the glue from
// an event to one use case call: tracer, logger (correlation id = connection id), metrics flush, error
// frames, and the JSON body parser on message routes only.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { dispatch, parseActionBody, type ActionName, type Caller, type Chat } from '../../domain/index.js';
import { appContainer } from '../composition-root.js';
import { TOKENS } from '../tokens.js';
import { callerOf } from './caller.js';
import { errorFrames } from './error-frames.js';
import { logger, metrics, tracer } from './powertools.js';
import type { WsEvent, WsResult } from './ws-event.js';

export interface RouteRequest {
  readonly chat: Chat;
  readonly caller: Caller;
  /** Parsed JSON on message routes with the body parser; the raw text otherwise. */
  readonly body: unknown;
}

/** The chain shared by every route, up to (not including) body parsing. */
export function baseChain() {
  return middy<WsEvent, WsResult>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { correlationIdPath: 'requestContext.connectionId', resetKeys: true }))
    .use(publishMetrics());
}

/**
 * Flushes the fan-out metrics at the end of each invocation. Unlike Powertools' logMetrics, it stays
 * quiet when an invocation recorded none (a ping, a refused frame), instead of warning every time.
 */
function publishMetrics(): MiddlewareObj<WsEvent, WsResult> {
  const publish = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}

/** A message route: identity from the authorizer, one use case, errors as frames. */
export function chatRoute(run: (request: RouteRequest) => Promise<unknown>, options: { parseJson: boolean }) {
  const chain = baseChain().use(errorFrames());
  // WebSocket MESSAGE events have no headers, so the content-type check must be off; $default keeps the
  // raw text because it also receives frames that are not JSON.
  if (options.parseJson) chain.use(httpJsonBodyParser({ disableContentTypeCheck: true }));
  return chain.handler(async (event) => {
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

/** The handler of one action's route: validates the body for that action and runs its use case. */
export function actionRoute(action: ActionName) {
  return chatRoute(({ chat, caller, body }) => dispatch(chat, caller, parseActionBody(action, body)), {
    parseJson: true,
  });
}
