// Local stack, hot reload: bundled into every handler generation, so that a retired generation can close
// the SDK clients its composition root opened (their keep-alive sockets) instead of leaving them behind.

import { appContainer } from '../../handlers/composition-root.js';
import { TOKENS } from '../../handlers/tokens.js';

/**
 * Destroys this generation's DynamoDB client and @connections client pool. Both are created lazily by
 * the container and open no socket until used, so resolving them here for a generation that never
 * served anything costs nothing.
 */
export function closeGenerationClients(): void {
  const container = appContainer();
  container.get(TOKENS.documentClient).destroy();
  container.get(TOKENS.clientPool).destroy();
}
