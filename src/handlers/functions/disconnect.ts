// Lambda entry for `$disconnect`: best effort cleanup after API Gateway closed the connection.
// Its result is ignored by API Gateway; failures are logged, and records expire on their own.

import { appContainer } from '../composition-root.js';
import { managementEndpointOf } from '../runtime/caller.js';
import { baseChain } from '../runtime/chat-route.js';
import { logger } from '../runtime/powertools.js';
import { TOKENS } from '../tokens.js';

export const handler = baseChain().handler(async (event) => {
  const { requestContext: context } = event;
  try {
    const container = appContainer();
    const endpoint = managementEndpointOf(context, container.get(TOKENS.config));
    const { roomsLeft } = await container
      .get(TOKENS.chatFor)(endpoint)
      .disconnect.execute(context.connectionId);
    logger.info('disconnected', {
      rooms: roomsLeft.length,
      closeCode: context.disconnectStatusCode,
      closeReason: context.disconnectReason,
    });
    return { statusCode: 200 };
  } catch (error) {
    logger.error('disconnect cleanup failed', { error: error as Error });
    return { statusCode: 500 };
  }
});
