// End to end: the emulator's benchmark sinks and its account-wide @connections throttle, driven through
// the real AWS SDK client and the real ManagementApiNotifier, as the fan-out benchmark drives them.

import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  LimitExceededException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  ManagementApiNotifier,
  ManagementClientPool,
  type RetryPolicy,
} from '../../src/adapters/apigateway/index.js';
import type { ServerEvent } from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS } from '../../src/local/dynamodb-local.js';
import type { Scheduler } from '../../src/local/emulator/scheduler.js';
import { WebSocketGateway, type RequestLogEntry } from '../../src/local/emulator/websocket-gateway.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { waitFor } from '../support/ws-client.js';

const EVENT: ServerEvent = { type: 'pong', serverTime: 0 };

let gateway: WebSocketGateway | undefined;
const pools: ManagementClientPool[] = [];
const log: RequestLogEntry[] = [];

async function start(scheduler?: Scheduler): Promise<WebSocketGateway> {
  gateway = await WebSocketGateway.start(
    { routeSelectionExpression: '$request.body.action', routes: {} },
    { port: 0, log: (entry) => log.push(entry), ...(scheduler === undefined ? {} : { scheduler }) },
  );
  return gateway;
}

/** The notifier as the handlers build it: the real SDK client from the pool, retries its own. */
function notifier(started: WebSocketGateway, retry?: RetryPolicy): ManagementApiNotifier {
  const pool = new ManagementClientPool({
    region: 'us-east-1',
    maxSockets: 64,
    credentials: LOCAL_CREDENTIALS,
  });
  pools.push(pool);
  return new ManagementApiNotifier({
    client: pool.clientFor(started.managementEndpoint),
    ...(retry === undefined ? {} : { retry }),
  });
}

function sdk(started: WebSocketGateway, maxAttempts: number): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint: started.managementEndpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts,
  });
}

const post = (connectionId: string) =>
  new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode('{}') });

afterEach(async () => {
  for (const pool of pools.splice(0)) pool.destroy();
  log.splice(0);
  await gateway?.stop();
  gateway = undefined;
});

describe('sink connections', () => {
  it('counts every delivery the notifier makes, per sink and in all, with the time of the last', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const started = await start(clock);
    const sinks = started.addSinks(50);
    expect(new Set(sinks).size).toBe(50);
    expect(started.connectionIds()).toEqual([]);
    const notify = notifier(started);

    clock.advance(1_234);
    const outcomes = await Promise.all(sinks.map((id) => notify.deliver(id, EVENT)));
    expect(outcomes.every((outcome) => outcome === 'delivered')).toBe(true);
    expect(await notify.deliver(sinks[0] as string, EVENT)).toBe('delivered');

    expect(started.sinkDeliveries()).toEqual({
      sinks: 50,
      total: 51,
      reached: 50,
      lastDeliveryAt: 1_700_000_001_234,
    });
    expect(started.sinkDeliveriesTo(sinks[0] as string)).toBe(2);
    expect(started.sinkDeliveriesTo(sinks[1] as string)).toBe(1);
    expect(log.filter((entry) => entry.kind === 'MANAGEMENT' && entry.status === 200)).toHaveLength(51);

    started.resetSinkCounts();
    expect(started.sinkDeliveries()).toEqual({ sinks: 50, total: 0, reached: 0, lastDeliveryAt: undefined });
  });

  it('answers GetConnection for a sink and, once deleted, reports it gone', async () => {
    const started = await start();
    const [sink] = started.addSinks(1) as [string];
    const client = sdk(started, 1);
    try {
      const info = await client.send(new GetConnectionCommand({ ConnectionId: sink }));
      expect(info.ConnectedAt).toBeInstanceOf(Date);
      await client.send(new DeleteConnectionCommand({ ConnectionId: sink }));
      expect(await notifier(started).deliver(sink, EVENT)).toBe('gone');
      expect(started.sinkDeliveries().sinks).toBe(0);
    } finally {
      client.destroy();
    }
  });

  it('are refused like connections by the per-connection faults', async () => {
    const started = await start();
    const [gone, throttled] = started.addSinks(2) as [string, string];
    started.faults.goneFor.add(gone);
    started.faults.throttleFor.set(throttled, 1);
    const notify = notifier(started, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxElapsedMs: 5_000 });
    expect(await notify.deliver(gone, EVENT)).toBe('gone');
    expect(await notify.deliver(throttled, EVENT)).toBe('delivered');
    expect(started.sinkDeliveries()).toMatchObject({ total: 1, reached: 1 });
  });

  it('wait out the latency fault, on the scheduler, before a delivery counts', async () => {
    const clock = new ManualClock();
    const started = await start(clock);
    const [sink] = started.addSinks(1) as [string];
    started.faults.latencyMs = 250;
    const delivered = notifier(started).deliver(sink, EVENT);

    await waitFor(() => clock.pendingDelays().includes(250), 5_000, 'the latency timer');
    expect(started.sinkDeliveries().total).toBe(0);
    clock.advance(249);
    expect(started.sinkDeliveries().total).toBe(0);
    clock.advance(1);
    expect(await delivered).toBe('delivered');
    expect(started.sinkDeliveries()).toMatchObject({ total: 1, lastDeliveryAt: clock.now() });
  });
});

describe('the account rate limit', () => {
  it('is off by default', async () => {
    const started = await start();
    const sinks = started.addSinks(300);
    const notify = notifier(started, { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 1 });
    const outcomes = await Promise.all(sinks.map((id) => notify.deliver(id, EVENT)));
    expect(outcomes.every((outcome) => outcome === 'delivered')).toBe(true);
    expect(started.throttledCalls).toBe(0);
  });

  it('admits the burst, then Q calls a second, and answers the rest 429 LimitExceededException', async () => {
    const clock = new ManualClock();
    const started = await start(clock);
    started.limitAccountRate({ perSecond: 2, burst: 3 });
    const [a, b] = started.addSinks(2) as [string, string];
    const client = sdk(started, 1);
    try {
      await client.send(post(a));
      await client.send(new GetConnectionCommand({ ConnectionId: a }));
      await client.send(post(b));
      const refused = await client.send(new DeleteConnectionCommand({ ConnectionId: b })).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(LimitExceededException);
      expect((refused as LimitExceededException).$metadata.httpStatusCode).toBe(429);
      expect((refused as LimitExceededException).message).toBe('Too Many Requests');
      expect(started.throttledCalls).toBe(1);

      clock.advance(500);
      await client.send(post(b));
      await expect(client.send(post(b))).rejects.toBeInstanceOf(LimitExceededException);
      expect(started.sinkDeliveries()).toMatchObject({ total: 3, reached: 2 });
      expect(started.sinkDeliveries().sinks).toBe(2);
    } finally {
      client.destroy();
    }
  });

  it('is throttling to the SDK: its default retry strategy tries again', async () => {
    const clock = new ManualClock();
    const started = await start(clock);
    started.limitAccountRate({ perSecond: 1, burst: 1 });
    const [sink] = started.addSinks(1) as [string];
    const client = sdk(started, 3);
    try {
      await client.send(post(sink));
      const error = await client.send(post(sink)).then(
        () => undefined,
        (thrown: unknown) => thrown as LimitExceededException,
      );
      expect(error).toBeInstanceOf(LimitExceededException);
      expect(error?.$metadata.attempts).toBe(3);
      expect(log.filter((entry) => entry.status === 429)).toHaveLength(3);
    } finally {
      client.destroy();
    }
  });

  it("still gets every delivery through the notifier's backoff, each once", async () => {
    const started = await start();
    started.limitAccountRate({ perSecond: 200, burst: 20 });
    const sinks = started.addSinks(120);
    const notify = notifier(started, {
      maxAttempts: 40,
      baseDelayMs: 10,
      maxDelayMs: 200,
      maxElapsedMs: 30_000,
    });
    const outcomes = await Promise.all(sinks.map((id) => notify.deliver(id, EVENT)));
    expect(outcomes.every((outcome) => outcome === 'delivered')).toBe(true);
    expect(started.throttledCalls).toBeGreaterThan(0);
    expect(started.sinkDeliveries()).toMatchObject({ total: 120, reached: 120 });
    expect(log.filter((entry) => entry.status === 429)).toHaveLength(started.throttledCalls);
  }, 40_000);
});
