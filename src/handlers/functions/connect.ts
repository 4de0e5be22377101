// Lambda entry for `$connect`: records the connection for the authorizer's identity (or, in anonymous
// mode, a made-up one named by `?name=`) and joins the lobby. The status code decides the handshake:
// 200 accepts, 401 refuses (no identity), 429 refuses (the user's connection cap, logged as a refusal
// with its code); nothing can be posted to the connection yet.

import { baseChain } from '../runtime/base-chain.js';
import { callerScope } from '../runtime/chat-scope.js';
import { lifecycleErrors } from '../runtime/lifecycle-errors.js';
import { logger } from '../runtime/powertools.js';

const scope = callerScope('handshake');

export const handler = baseChain()
  .use(lifecycleErrors({ refused: 'connection refused', failed: 'connect failed' }))
  .use(scope)
  .handler(async (_event, context) => {
    const { chat, caller } = scope.of(context);
    // Other lobby members hear about the arrival through this stage's @connections API.
    await chat.connect.execute({
      connectionId: caller.connectionId,
      identity: caller.identity,
      ...(caller.permissions === undefined ? {} : { permissions: caller.permissions }),
      connectedAt: caller.connectedAt,
    });
    logger.info('connected', { userId: caller.identity.userId });
    return { statusCode: 200 };
  });
