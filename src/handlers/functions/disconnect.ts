// Lambda entry for `$disconnect`: best effort cleanup after API Gateway closed the connection.
// Its result is ignored by API Gateway; failures are logged, and records expire on their own.

import { baseChain } from '../runtime/base-chain.js';
import { stageScope } from '../runtime/chat-scope.js';
import { lifecycleErrors } from '../runtime/lifecycle-errors.js';
import { logger } from '../runtime/powertools.js';

const scope = stageScope();

export const handler = baseChain()
  .use(lifecycleErrors({ failed: 'disconnect cleanup failed' }))
  .use(scope)
  .handler(async ({ requestContext }, context) => {
    const { chat } = scope.of(context);
    const { roomsLeft } = await chat.disconnect.execute(requestContext.connectionId);
    logger.info('disconnected', {
      rooms: roomsLeft.length,
      closeCode: requestContext.disconnectStatusCode,
      closeReason: requestContext.disconnectReason,
    });
    return { statusCode: 200 };
  });
