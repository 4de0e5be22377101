// Lambda entry for `$connect`: records the connection for the authorizer's identity (or, in anonymous
// mode, a made-up one named by `?name=`) and joins the lobby. The status code decides the handshake:
// 200 accepts, 401 refuses; nothing can be posted to the connection yet.

import { ERROR_STATUS, isChatError, toIdentity } from '../../domain/index.js';
import { appContainer } from '../composition-root.js';
import { identityFromAuthorizer, managementEndpointOf } from '../runtime/caller.js';
import { baseChain } from '../runtime/chat-route.js';
import { logger } from '../runtime/powertools.js';
import { TOKENS } from '../tokens.js';

export const handler = baseChain().handler(async (event) => {
  const { requestContext: context } = event;
  try {
    const container = appContainer();
    const config = container.get(TOKENS.config);
    const identity =
      identityFromAuthorizer(context) ??
      (config.anonymous
        ? toIdentity(
            `anon-${container.get(TOKENS.ids).newId().slice(0, 8)}`,
            event.queryStringParameters?.['name'],
          )
        : undefined);
    if (identity === undefined) {
      logger.warn('connection refused: no identity from the authorizer');
      return { statusCode: 401 };
    }
    // Other lobby members hear about the arrival through this stage's @connections API.
    const chat = container.get(TOKENS.chatFor)(managementEndpointOf(context, config));
    await chat.connect.execute({
      connectionId: context.connectionId,
      identity,
      connectedAt: context.connectedAt,
    });
    logger.info('connected', { userId: identity.userId });
    return { statusCode: 200 };
  } catch (error) {
    if (isChatError(error)) {
      logger.warn('connection refused', { code: error.code, reason: error.message });
      return { statusCode: ERROR_STATUS[error.code] };
    }
    logger.error('connect failed', { error: error as Error });
    return { statusCode: 500 };
  }
});
