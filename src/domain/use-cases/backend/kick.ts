// Use cases for backends that act: close a connection, or every connection of a user. API Gateway then
// runs `$disconnect`, which cleans up; a connection that is already gone is cleaned up here.
// (HTTP API / CLI) --> kick --> notifier, janitor

import type { ConnectionJanitor } from '../../fan-out/connection-janitor.js';
import type { ConnectionId } from '../../model/connection.js';
import type { UserId } from '../../model/identity.js';
import type { ConnectionRegistryPort } from '../../ports/connection-registry.port.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import { ChatError } from '../../protocol/errors.js';

export interface KickDeps {
  readonly connections: ConnectionRegistryPort;
  readonly notifier: NotifierPort;
  readonly janitor: ConnectionJanitor;
}

export class Kick {
  constructor(private readonly deps: KickDeps) {}

  async connection(connectionId: ConnectionId): Promise<void> {
    const outcome = await this.deps.notifier.close(connectionId);
    if (outcome === 'gone') {
      await this.deps.janitor.purge(connectionId);
      throw new ChatError('unknown_connection', `No connection ${connectionId}`, { connectionId });
    }
  }

  async user(userId: UserId): Promise<{ closed: number; gone: number }> {
    const connections = await this.deps.connections.connectionsOfUser(userId);
    let closed = 0;
    let gone = 0;
    for (const { connectionId } of connections) {
      if ((await this.deps.notifier.close(connectionId)) === 'closed') closed += 1;
      else {
        gone += 1;
        await this.deps.janitor.purge(connectionId);
      }
    }
    return { closed, gone };
  }
}
