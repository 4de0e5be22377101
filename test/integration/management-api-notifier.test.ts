// Integration: the @connections notifier's retries, typed failures and connection reuse, through the
// real AWS SDK client against the local management API on loopback.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-apigatewaymanagementapi';
import type { InitializeHandler, InitializeHandlerArguments } from '@smithy/types';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeliveryError,
  InFlightLimit,
  ManagementApiNotifier,
  ManagementClientPool,
  PayloadTooLargeError,
  type RetryPolicy,
} from '../../src/adapters/apigateway/index.js';
import type { ServerEvent } from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { RetryClock } from '../support/retry-clock.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';

const event: ServerEvent = { type: 'pong', serverTime: 1 };
const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300, maxElapsedMs: 10_000 };

let api: ConnectionsApiServer;
let pool: ManagementClientPool;
const clock = new RetryClock();

const notifier = (overrides: Partial<RetryPolicy> = {}, endpoint = api.endpoint) =>
  clock.notifier(pool.clientFor(endpoint), { ...policy, ...overrides });

beforeAll(async () => {
  api = await startConnectionsApi('prod');
  pool = new ManagementClientPool({ region: LOCAL_REGION, maxSockets: 4, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  pool.destroy();
  await api.stop();
});

beforeEach(() => {
  clock.reset();
  api.directory.throttleNext = 0;
  api.directory.failNext = 0;
  api.directory.requests = 0;
});

describe('ManagementApiNotifier', () => {
  it('retries a throttled delivery with capped, growing backoff and then delivers', async () => {
    api.directory.connect('Throttled000001=');
    api.directory.throttleNext = 3;

    expect(await notifier().deliver('Throttled000001=', event)).toBe('delivered');

    expect(api.directory.requests).toBe(4);
    expect(clock.delays).toEqual([99, 199, 299]);
    expect(api.directory.frames('Throttled000001=')).toHaveLength(1);
  });

  it('gives up on server errors after the attempt limit with a typed error', async () => {
    api.directory.connect('Failing00000001=');
    api.directory.failNext = 10;

    const failure = notifier().deliver('Failing00000001=', event);

    await expect(failure).rejects.toBeInstanceOf(DeliveryError);
    await expect(failure).rejects.toMatchObject({ details: { attempts: 4, status: 500 } });
    expect(api.directory.requests).toBe(4);
  });

  it('stops retrying when the time budget would be exceeded', async () => {
    api.directory.connect('Budget000000001=');
    api.directory.throttleNext = 10;

    await expect(
      notifier({ maxAttempts: 50, maxElapsedMs: 500 }).deliver('Budget000000001=', event),
    ).rejects.toMatchObject({ details: { status: 429 } });
    expect(clock.delays.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(500);
  });

  it('reports an event over 128 KiB as payload too large, without retrying', async () => {
    api.directory.connect('TooLarge0000001=');
    const huge: ServerEvent = { type: 'pong', serverTime: 1, requestId: 'x'.repeat(140_000) };

    await expect(notifier().deliver('TooLarge0000001=', huge)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(clock.delays).toEqual([]);
  });

  it('treats a forbidden answer as a failure that is not retried', async () => {
    await expect(
      notifier({}, `${api.origin}/prod/extra`).deliver('Whatever0000001=', event),
    ).rejects.toMatchObject({
      details: { attempts: 1, status: 403, code: 'ForbiddenException' },
    });
  });

  it('works with an endpoint with or without the stage, and with a trailing slash', async () => {
    api.directory.connect('Endpoint0000001=');
    for (const endpoint of [api.endpoint, api.origin, `${api.endpoint}/`]) {
      expect(await notifier({}, endpoint).deliver('Endpoint0000001=', event)).toBe('delivered');
    }
    expect(api.directory.frames('Endpoint0000001=')).toHaveLength(3);
  });

  it('keeps one client per endpoint and reuses its sockets', async () => {
    expect(pool.clientFor(api.endpoint)).toBe(pool.clientFor(`${api.endpoint}/`));
    api.directory.connect('KeepAlive000001=');
    const before = api.sockets();
    const n = notifier();
    for (let i = 0; i < 40; i += 1) await n.deliver('KeepAlive000001=', event);
    expect(api.sockets() - before).toBeLessThanOrEqual(1);
  });

  it('keeps concurrent deliveries within the socket pool', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `Concurrent${String(i).padStart(5, '0')}=`);
    ids.forEach((id) => api.directory.connect(id));
    const freshPool = new ManagementClientPool({
      region: LOCAL_REGION,
      maxSockets: 3,
      credentials: LOCAL_CREDENTIALS,
    });
    const before = api.sockets();

    const n = new ManagementApiNotifier({ client: freshPool.clientFor(api.endpoint) });
    const outcomes = await Promise.all(ids.map((id) => n.deliver(id, event)));

    expect(outcomes.every((o) => o === 'delivered')).toBe(true);
    expect(api.sockets() - before).toBeLessThanOrEqual(3);
    freshPool.destroy();
  });
});

/** A loopback @connections stand-in with its own handler, and a client pool pointed at it. */
async function standIn(handler: RequestListener, pool: { maxSockets: number; requestTimeoutMs: number }) {
  const server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const clients = new ManagementClientPool({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, ...pool });
  return {
    client: clients.clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`),
    stop: () => {
      clients.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('what each @connections call carries', () => {
  it('is signed, and leaves out the user agent, trace and SDK retry headers the trimmed stack drops, on every call', async () => {
    const seen: { method?: string; headers: Record<string, unknown> }[] = [];
    const recorder = await standIn(
      (request, response) => {
        seen.push({ method: request.method, headers: request.headers });
        request.resume();
        request.on('end', () => response.writeHead(200, { 'content-length': '0' }).end());
      },
      { maxSockets: 2, requestTimeoutMs: 2_000 },
    );
    const previousTraceId = process.env['_X_AMZN_TRACE_ID'];
    // What Lambda sets in a traced invocation: the recursion-detection middleware would forward it.
    process.env['_X_AMZN_TRACE_ID'] =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    try {
      const n = new ManagementApiNotifier({ client: recorder.client });
      // Twice each: the second call runs the cached middleware stack.
      for (let i = 0; i < 2; i += 1) {
        expect(await n.deliver('Headers0000001=', event)).toBe('delivered');
        expect(await n.close('Headers0000001=')).toBe('closed');
      }
    } finally {
      if (previousTraceId === undefined) delete process.env['_X_AMZN_TRACE_ID'];
      else process.env['_X_AMZN_TRACE_ID'] = previousTraceId;
      recorder.stop();
    }
    expect(seen.map((call) => call.method)).toEqual(['POST', 'DELETE', 'POST', 'DELETE']);
    // docs/operations.md lists these: a header the SDK starts sending shows up here first.
    expect(Object.keys(seen[0]?.headers ?? {}).sort()).toEqual([
      'authorization',
      'connection',
      'content-length',
      'content-type',
      'host',
      'x-amz-content-sha256',
      'x-amz-date',
    ]);
    for (const { headers } of seen) {
      expect(String(headers['authorization'])).toMatch(
        /^AWS4-HMAC-SHA256 Credential=.+\/execute-api\/aws4_request/,
      );
      expect(headers['x-amz-date']).toBeDefined();
      expect(headers['x-amzn-trace-id']).toBeUndefined();
      expect(headers['amz-sdk-invocation-id']).toBeUndefined();
      expect(headers['amz-sdk-request']).toBeUndefined();
    }
  });
});

describe('the trimmed client with middleware of its own', () => {
  it('still takes middleware placed after the user agent middleware, as Powertools places its own', async () => {
    const recorder = await standIn(
      (request, response) => {
        request.resume();
        request.on('end', () => response.writeHead(200, { 'content-length': '0' }).end());
      },
      { maxSockets: 2, requestTimeoutMs: 2_000 },
    );
    let passedThrough = 0;
    try {
      // What the tracer does with SDK_TRACING=on, before the client's first call.
      const stack = recorder.client.middlewareStack;
      const countCalls =
        (next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>) =>
        (args: InitializeHandlerArguments<ServiceInputTypes>) => {
          passedThrough += 1;
          return next(args);
        };
      stack.addRelativeTo(countCalls, {
        relation: 'after',
        toMiddleware: 'getUserAgentMiddleware',
        name: 'tracerUserAgent',
      });
      const n = new ManagementApiNotifier({ client: recorder.client });
      expect(await n.deliver('Traced00000001=', event)).toBe('delivered');
      expect(await n.deliver('Traced00000001=', event)).toBe('delivered');
    } finally {
      recorder.stop();
    }
    expect(passedThrough).toBe(2);
  });
});

describe('a stalled @connections call', () => {
  it('times out and fails as a retryable network error instead of hanging the fan-out', async () => {
    // Accepts the request and never answers.
    const silent = await standIn(() => undefined, { maxSockets: 2, requestTimeoutMs: 200 });
    try {
      const stalled = new ManagementApiNotifier({
        client: silent.client,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 10_000 },
      });
      const error = await stalled.deliver('Stalled0000001=', event).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).details).toMatchObject({ attempts: 2 });
    } finally {
      silent.stop();
    }
  });
});

describe('the in-flight limit', () => {
  it('gives a freed slot to a waiting reply before any waiting delivery, each line in its order', async () => {
    const limit = new InFlightLimit(1);
    const started: string[] = [];
    let release = (): void => undefined;
    const holder = limit.run(() => new Promise<void>((resolve) => (release = resolve)));
    const job = (name: string) => async () => {
      started.push(name);
    };
    const queued = [
      limit.run(job('delivery 1')),
      limit.run(job('delivery 2')),
      limit.run(job('reply 1'), { lane: 'reply' }),
      limit.run(job('delivery 3')),
      limit.run(job('reply 2'), { lane: 'reply' }),
    ];
    expect(started).toEqual([]);
    release();
    await Promise.all([holder, ...queued]);
    expect(started).toEqual(['reply 1', 'reply 2', 'delivery 1', 'delivery 2', 'delivery 3']);
    expect(limit.inFlight).toBe(0);
  });

  it('turns away a waiter whose start-by time passed, and the notifier reports it late without posting', async () => {
    let now = 1_000;
    const limit = new InFlightLimit(1, () => now);
    let release = (): void => undefined;
    const holder = limit.run(() => new Promise<void>((resolve) => (release = resolve)));
    const before = api.directory.requests;
    api.directory.connect('LateConn000001=');
    const late = new ManagementApiNotifier({ client: pool.clientFor(api.endpoint), limit });
    const inTime = limit.run(async () => 'ran', { startBy: 5_000 });
    const outcome = late.deliver('LateConn000001=', event, { startBy: 1_500 });

    now = 2_000;
    release();
    await holder;

    expect(await outcome).toBe('late');
    expect(await inTime).toBe('ran');
    expect(api.directory.frames('LateConn000001=')).toEqual([]);
    expect(api.directory.requests).toBe(before);
    expect(limit.inFlight).toBe(0);
    await expect(limit.run(async () => 'no wait when a slot is free', { startBy: 0 })).resolves.toBe(
      'no wait when a slot is free',
    );
  });

  it('keeps concurrent fan-outs in one process to the cap, so waiting for a slot never times a call out', async () => {
    let open = 0;
    let most = 0;
    // Answers each post after 50 ms, counting requests open at once. The request timeout is shorter than
    // the queue: 40 posts, 4 at a time, take about 500 ms.
    const slow = await standIn(
      (request, response) => {
        open += 1;
        most = Math.max(most, open);
        request.resume();
        setTimeout(() => {
          open -= 1;
          response.statusCode = 200;
          response.end();
        }, 50);
      },
      { maxSockets: 40, requestTimeoutMs: 300 },
    );
    try {
      const limited = new ManagementApiNotifier({
        client: slow.client,
        limit: new InFlightLimit(4),
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 1_000 },
      });
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => limited.deliver(`Queued${String(i).padStart(9, '0')}=`, event)),
      );
      expect(outcomes).toEqual(Array.from({ length: 40 }, () => 'delivered'));
      expect(most).toBe(4);
    } finally {
      slow.stop();
    }
  });
});
