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
  /**
   * The frame's admission (rate limits), already under way: the route may start reads that do not
   * depend on it, and must wait for it before anything that does (a refusal, a write, a reply).
   */
  readonly admitted: Promise<void>;
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
      // Every frame counts against the rate limits; its route waits for the outcome before it answers
      // or writes anything, so a refused frame is refused first, whatever else is wrong with it.
      const admitted = chat.admission.admit(caller);
      // Awaited by the route; this only keeps a refusal that arrives while it reads from counting as
      // unhandled.
      admitted.catch(() => undefined);
      try {
        await run({ chat, caller, body: event.body, admitted });
      } finally {
        // A route that failed before waiting for its admission still reports a refusal first.
        await admitted;
      }
      return { statusCode: 200 };
    });
}
