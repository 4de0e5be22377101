// Bench floor: the durable floor's work, delivered the way the service delivers. A function on an API
// Gateway emulator of its own (the same code as the local stack's, in the same process) stores each sent
// message with one PutItem, then posts the ack and the message to every open connection through the
// @connections SDK client the service builds, as many at a time as the service's fan-out. No checks, no
// stored sequence counter, no membership reads, no Middy: what ours pays over it is the service's own
// logic, since the delivery path is the same.

import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { ManagementClientPool } from '../../src/adapters/apigateway/index.js';
import { WebSocketGateway } from '../../src/local/emulator/websocket-gateway.js';
import { floorFrames, sentText, storedMessage, type FloorMessage } from './bare-server.js';
import { loopback } from './loopback.js';

export interface ConnectionsFloorOptions {
  /** Stores a message before its ack and fan-out. */
  readonly store: (message: FloorMessage) => Promise<void>;
  /** Posts in flight at once. */
  readonly concurrency: number;
}

export interface ConnectionsFloor {
  readonly url: string;
  stop(): Promise<void>;
}

interface MessageEvent {
  readonly body?: string;
  readonly requestContext: { readonly connectionId: string };
}

export async function startConnectionsFloor(options: ConnectionsFloorOptions): Promise<ConnectionsFloor> {
  const pool = new ManagementClientPool({
    region: 'us-east-1',
    maxSockets: options.concurrency + 1,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let seq = 0;
  // The function needs the gateway's endpoint, and the gateway needs the function to start.
  const started: { gateway?: WebSocketGateway } = {};

  const handler = async (event: MessageEvent): Promise<{ statusCode: number }> => {
    const text = sentText(event.body ?? '');
    const gateway = started.gateway;
    if (text === undefined || gateway === undefined) return { statusCode: 200 };
    const stored = storedMessage((seq += 1), text);
    await options.store(stored);
    const sender = event.requestContext.connectionId;
    const frames = floorFrames(stored, sender);
    const client = pool.clientFor(loopback(gateway.managementEndpoint));
    const ack = new TextEncoder().encode(frames.ack);
    const message = new TextEncoder().encode(frames.message);
    // The ack first, then the message to everyone: one queue, a fixed pool of posters.
    const posts = [
      { to: sender, data: ack },
      ...gateway.connectionIds().map((to) => ({ to, data: message })),
    ];
    const poster = async (): Promise<void> => {
      for (let post = posts.shift(); post !== undefined; post = posts.shift()) {
        try {
          await client.send(new PostToConnectionCommand({ ConnectionId: post.to, Data: post.data }));
        } catch (error) {
          // A connection that closed meanwhile answers 410: the floor drops it, as a fan-out would. Any
          // other failure fails the message, and the run's delivery count shows it.
          if (!(error instanceof GoneException)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, poster));
    return { statusCode: 200 };
  };

  const gateway = await WebSocketGateway.start(
    {
      routeSelectionExpression: '$request.body.action',
      routes: { $default: { name: 'connections-floor', handler } },
    },
    { port: 0, stage: 'local' },
  );
  started.gateway = gateway;
  return {
    url: loopback(gateway.url),
    stop: async () => {
      await gateway.stop();
      pool.destroy();
    },
  };
}
