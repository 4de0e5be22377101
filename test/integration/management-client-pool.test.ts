// Integration: the @connections client pool's sockets, request timeout, middleware cache and teardown,
// through real SDK clients against the local management API and loopback stand-ins.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  DeliveryError,
  ManagementApiNotifier,
  ManagementClientPool,
} from '../../src/adapters/apigateway/index.js';
import type { ServerEvent } from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';

const event: ServerEvent = { type: 'pong', serverTime: 1 };

let api: ConnectionsApiServer;

beforeAll(async () => {
  api = await startConnectionsApi('prod');
});

afterAll(async () => {
  await api.stop();
});

/** A loopback server with the given handler that tracks its open sockets. */
async function loopback(handler: RequestListener) {
  const server: Server = createServer(handler);
  // Idle sockets stay open until the client closes them: the server never times them out first.
  server.keepAliveTimeout = 60_000;
  const open = new Set<Socket>();
  let allClosed: (() => void) | undefined;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => {
      open.delete(socket);
      if (open.size === 0) allClosed?.();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`,
    openSockets: () => open.size,
    /** Resolves once no client socket is open. */
    closed: () =>
      new Promise<void>((done) => {
        if (open.size === 0) done();
        else allClosed = done;
      }),
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A pool whose clients sign with the local credentials. */
const localPool = (
  settings: Omit<ConstructorParameters<typeof ManagementClientPool>[0], 'region' | 'credentials'>,
) => new ManagementClientPool({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, ...settings });

const answerEmpty: RequestListener = (request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-length': '0' }).end());
};

describe('ManagementClientPool', () => {
  it('keeps its sockets alive: one after another, calls share one socket', async () => {
    const pool = localPool({ maxSockets: 4 });
    try {
      api.directory.connect('Sequential0001=');
      const before = api.sockets();
      const notifier = new ManagementApiNotifier({ client: pool.clientFor(api.endpoint) });
      for (let i = 0; i < 10; i += 1)
        expect(await notifier.deliver('Sequential0001=', event)).toBe('delivered');
      expect(api.sockets() - before).toBe(1);
    } finally {
      pool.destroy();
    }
  });

  it('fails a call that gets no answer after its own request timeout, not the 5 s default', async () => {
    // Accepts the request and never answers.
    const silent = await loopback(() => undefined);
    const pool = localPool({ maxSockets: 2, requestTimeoutMs: 100 });
    try {
      const notifier = new ManagementApiNotifier({
        client: pool.clientFor(silent.endpoint),
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 10_000 },
      });
      const started = performance.now();
      const error = await notifier.deliver('Silent00000001=', event).catch((e: unknown) => e);
      const took = performance.now() - started;

      expect(error).toBeInstanceOf(DeliveryError);
      // Far below the default's 5 s: a loaded machine may add some to the 100 ms, not seconds.
      expect(took).toBeLessThan(2_500);
    } finally {
      pool.destroy();
      await silent.stop();
    }
  });

  it('resolves a command type’s middleware once: middleware added after its first call is left out of it', async () => {
    // Why the composition root adds the tracer's middleware before the first send.
    const standIn = await loopback(answerEmpty);
    const pool = localPool({ maxSockets: 2 });
    try {
      const client = pool.clientFor(standIn.endpoint);
      const seen: string[] = [];
      await client.send(new PostToConnectionCommand({ ConnectionId: 'Cached00000001=', Data: 'a' }));
      client.middlewareStack.add(
        (next, context) => async (args) => {
          seen.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize', name: 'addedLate' },
      );

      await client.send(new PostToConnectionCommand({ ConnectionId: 'Cached00000001=', Data: 'b' }));
      await client.send(new DeleteConnectionCommand({ ConnectionId: 'Cached00000001=' }));

      expect(seen).toEqual(['DeleteConnectionCommand']);
    } finally {
      pool.destroy();
      await standIn.stop();
    }
  });

  it('on destroy, closes its clients’ sockets and forgets them: the next use builds a new client', async () => {
    const standIn = await loopback(answerEmpty);
    const pool = localPool({ maxSockets: 2 });
    try {
      const first = pool.clientFor(standIn.endpoint);
      expect(await new ManagementApiNotifier({ client: first }).deliver('Destroy0000001=', event)).toBe(
        'delivered',
      );
      expect(standIn.openSockets()).toBe(1);

      pool.destroy();

      expect(pool.clientFor(standIn.endpoint)).not.toBe(first);
      await standIn.closed();
      expect(standIn.openSockets()).toBe(0);
    } finally {
      pool.destroy();
      await standIn.stop();
    }
  });
});
