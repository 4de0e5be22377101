// Bench support: what holding idle connections costs a server process, measured as they open; the
// emulator's is taken when the shared crowd of connections opens (bench/context.ts).

import type { ServerHost } from './server-host-client.js';
import type { Swarm } from './swarm-client.js';

export interface IdleMemory {
  readonly connections: number;
  readonly rssKiBPerConnection: number;
  /** V8 heap plus external memory (buffers) per connection. */
  readonly heapKiBPerConnection: number;
  readonly openMs: number;
}

const KIB = 1024;

/** Opens the connections and measures what they added to the server's process, after full collections. */
export async function measureIdleMemory(
  swarm: Swarm,
  server: ServerHost,
  connections: number,
): Promise<IdleMemory> {
  const before = await server.memory();
  const { ms } = await swarm.open({ url: server.url, count: connections });
  const live = await server.awaitConnections(connections);
  if (live.length < connections)
    throw new Error(`the server holds ${live.length} of ${connections} connections`);
  const after = await server.memory();
  return {
    connections,
    rssKiBPerConnection: (after.rss - before.rss) / KIB / connections,
    heapKiBPerConnection:
      (after.heapUsed + after.external - before.heapUsed - before.external) / KIB / connections,
    openMs: ms,
  };
}
