// Driving side: the message function's chain (the base chain, error frames, the caller's scope) around
// "admit the frame, then run its use case".

import type { Caller, Chat } from '../../domain/index.js';
import { baseChain } from './base-chain.js';
import { callerScope } from './chat-scope.js';
import { errorFrames } from './error-frames.js';

export interface RouteRequest {
  readonly chat: Chat;
  readonly caller: Caller;
  /** The frame as the client sent it (text; not always JSON). */
  readonly body: string | undefined;
}

/**
 * A message route: identity from the authorizer, one use case, errors as frames. The frame is decoded by
 * the domain rather than a body parser, because message routes also receive text that is not JSON, and
 * that must become an `invalid_json` frame like any other refusal.
 */
export function chatRoute(run: (request: RouteRequest) => Promise<unknown>) {
  const scope = callerScope('connection');
  return baseChain()
    .use(errorFrames())
    .use(scope)
    .handler(async (event, context) => {
      const { chat, caller } = scope.of(context);
      // Every frame counts against the connection's rate limit, before any work is done for it.
      await chat.admission.admit(caller);
      await run({ chat, caller, body: event.body });
      return { statusCode: 200 };
    });
}
