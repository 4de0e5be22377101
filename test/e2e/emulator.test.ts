// End to end: the API Gateway emulator's behaviour, each rule checked with real WebSocket clients and,
// for the @connections API, the real AWS SDK client. Handlers here are small stand-ins that record
// what they were given; the real handlers run in the scenario suites.

import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  LimitExceededException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { connect, type Socket } from 'node:net';
import { AWS_SHAPED_ID } from '../../src/local/emulator/ids.js';
import {
  WebSocketGateway,
  type GatewayOptions,
  type GatewayRoutes,
  type LambdaHandler,
  type RequestLogEntry,
} from '../../src/local/emulator/websocket-gateway.js';
import { LOCAL_CREDENTIALS } from '../../src/local/dynamodb-local.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

type Event = Record<string, unknown> & { requestContext: Record<string, unknown> };

/** Records every invocation; `reply` decides each result. */
function recorder(reply: (event: Event) => unknown = () => ({ statusCode: 200 })) {
  const calls: Event[] = [];
  const handler = (async (event: Event) => {
    calls.push(event);
    return reply(event);
  }) as unknown as LambdaHandler;
  return { calls, handler };
}

let gateway: WebSocketGateway | undefined;
const clients: TestClient[] = [];

async function start(routes: Partial<GatewayRoutes>, options: GatewayOptions = {}) {
  gateway = await WebSocketGateway.start(
    { routeSelectionExpression: '$request.body.action', routes: {}, ...routes },
    { port: 0, ...options },
  );
  return gateway;
}

async function client(path = '', options: Parameters<typeof openClient>[1] = {}): Promise<TestClient> {
  // The gateway serves this suite's own routes, not roomcast's protocol: nothing to check frames against.
  const opened = await openClient(`${(gateway as WebSocketGateway).url}${path}`, {
    unchecked: true,
    ...options,
  });
  clients.push(opened);
  return opened;
}

function sdk(endpoint = (gateway as WebSocketGateway).managementEndpoint) {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await gateway?.stop();
  gateway = undefined;
});

describe('handshake', () => {
  it('runs the authorizer, then $connect, both before the connection opens, and passes the context on', async () => {
    const order: string[] = [];
    const authorizer = recorder((event) => {
      order.push('authorizer');
      return {
        principalId: 'u1',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event['methodArn'] }],
        },
        context: { userId: 'u1', level: 3, admin: false },
      };
    });
    const connect = recorder(() => {
      order.push('connect');
      return { statusCode: 200 };
    });
    const message = recorder();
    await start({
      authorizer: {
        name: 'auth',
        handler: authorizer.handler,
        identitySources: ['route.request.querystring.token'],
      },
      routes: {
        $connect: { name: 'connect', handler: connect.handler },
        hello: { name: 'hello', handler: message.handler },
      },
    });

    const c = await client('?token=abc&token=xyz');
    order.push('open');
    c.send({ action: 'hello' });
    await waitFor(() => message.calls.length === 1);

    expect(order).toEqual(['authorizer', 'connect', 'open']);
    expect(authorizer.calls[0]).toMatchObject({
      type: 'REQUEST',
      methodArn: expect.stringMatching(/^arn:aws:execute-api:us-east-1:\d{12}:\w+\/local\/\$connect$/),
      queryStringParameters: { token: 'xyz' },
      multiValueQueryStringParameters: { token: ['abc', 'xyz'] },
      stageVariables: {},
    });
    const context = { userId: 'u1', level: '3', admin: 'false', principalId: 'u1' };
    expect(connect.calls[0]?.requestContext['authorizer']).toMatchObject(context);
    expect(message.calls[0]?.requestContext['authorizer']).toMatchObject(context);
  });

  it.each([
    ['no token (identity source missing)', 401, ''],
    ['an authorizer that throws Unauthorized', 401, '?token=bad'],
    ['an authorizer that denies', 403, '?token=deny'],
    ['an authorizer that fails', 500, '?token=boom'],
  ])('refuses %s with %d', async (_label, status, query) => {
    const authorizer = recorder((event) => {
      const token = (event['queryStringParameters'] as Record<string, string>)['token'];
      if (token === 'bad') throw new Error('Unauthorized');
      if (token === 'boom') throw new Error('database down');
      return {
        principalId: 'x',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event['methodArn'] }],
        },
      };
    });
    const connect = recorder();
    await start({
      authorizer: {
        name: 'auth',
        handler: authorizer.handler,
        identitySources: ['route.request.querystring.token'],
      },
      routes: { $connect: { name: 'connect', handler: connect.handler } },
    });
    await expect(client(query)).rejects.toMatchObject({ status });
    expect(connect.calls).toHaveLength(0);
    expect(authorizer.calls).toHaveLength(query === '' ? 0 : 1);
  });

  it.each([
    [{ statusCode: 401 }, 401],
    [{ statusCode: 301 }, 301],
    [{ statusCode: 501 }, 501],
  ])('rejects the upgrade with the status $connect returned (%j)', async (result, status) => {
    await start({ routes: { $connect: { name: 'connect', handler: recorder(() => result).handler } } });
    await expect(client()).rejects.toMatchObject({ status });
  });

  it('answers 502 when $connect throws', async () => {
    const failing = recorder(() => {
      throw new Error('crash');
    });
    await start({ routes: { $connect: { name: 'connect', handler: failing.handler } } });
    await expect(client()).rejects.toMatchObject({ status: 502 });
  });

  it('accepts every connection when there is no $connect route, on /local and on /', async () => {
    await start({});
    const onStage = await client();
    const atRoot = await openClient(`ws://localhost:${(gateway as WebSocketGateway).port}/`, {
      unchecked: true,
    });
    clients.push(atRoot);
    expect(onStage.ws.readyState).toBe(1);
    expect(atRoot.ws.readyState).toBe(1);
  });

  it('echoes only the subprotocol $connect returned', async () => {
    await start({
      routes: {
        $connect: {
          name: 'connect',
          handler: recorder((event) =>
            (event['headers'] as Record<string, string>)['Sec-WebSocket-Protocol']?.includes('chat.v2')
              ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'chat.v2' } }
              : { statusCode: 200 },
          ).handler,
        },
      },
    });
    const chosen = await client('', { protocols: ['chat.v1', 'chat.v2'] });
    expect(chosen.ws.protocol).toBe('chat.v2');
    // A client that asked for a subprotocol and got none fails the handshake, as browsers do.
    await expect(client('', { protocols: ['chat.v1'] })).rejects.toThrow();
  });

  it('gives AWS-shaped connection ids and a real-shaped CONNECT event', async () => {
    const connect = recorder();
    await start({ routes: { $connect: { name: 'connect', handler: connect.handler } } });
    await client('', { headers: { 'User-Agent': 'test-agent/1.0', 'X-Custom': 'yes' } });
    const event = connect.calls[0] as Event;
    expect(event.requestContext).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'local',
      connectionId: expect.stringMatching(AWS_SHAPED_ID),
      identity: { sourceIp: '127.0.0.1', userAgent: 'test-agent/1.0' },
      requestTime: expect.stringMatching(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
    });
    expect(event.requestContext['requestId']).toBe(event.requestContext['extendedRequestId']);
    expect(event.requestContext['messageId']).toBeUndefined();
    expect(event['headers']).toMatchObject({ 'X-Custom': 'yes', 'X-Forwarded-Proto': 'http' });
    expect(event['queryStringParameters']).toBeUndefined();
    expect(event['isBase64Encoded']).toBe(false);
  });
});

describe('routing', () => {
  it('selects routes by $request.body.action, stringifying numbers, and sends the rest to $default', async () => {
    const join = recorder();
    const five = recorder();
    const fallback = recorder();
    await start({
      routes: {
        join: { name: 'join', handler: join.handler },
        '5': { name: 'five', handler: five.handler },
        $default: { name: 'default', handler: fallback.handler },
      },
    });
    const c = await client();
    c.send('{"action":"join","room":"a"}');
    c.send('{"action":5}');
    c.send('not json');
    c.send('{"action":"$connect"}');
    c.send('{"other":1}');
    await waitFor(() => join.calls.length + five.calls.length + fallback.calls.length === 5);

    expect(join.calls[0]).toMatchObject({
      body: '{"action":"join","room":"a"}',
      requestContext: { routeKey: 'join', eventType: 'MESSAGE' },
    });
    expect(five.calls).toHaveLength(1);
    expect(fallback.calls.map((e) => e['body']).sort()).toEqual(
      ['not json', '{"action":"$connect"}', '{"other":1}'].sort(),
    );
    const event = join.calls[0] as Event;
    expect(event['headers']).toBeUndefined();
    expect(event.requestContext['messageId']).toMatch(AWS_SHAPED_ID);
  });

  it('sends actions named like inherited object properties to $default, as API Gateway does', async () => {
    const join = recorder();
    const fallback = recorder();
    await start({
      routes: {
        join: { name: 'join', handler: join.handler },
        $default: { name: 'default', handler: fallback.handler },
      },
    });
    const c = await client();
    const inherited = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    for (const action of inherited) c.send(JSON.stringify({ action }));
    await waitFor(() => fallback.calls.length === inherited.length);
    expect(
      fallback.calls.map((e) => (JSON.parse(e['body'] as string) as { action: string }).action).sort(),
    ).toEqual([...inherited].sort());
    expect(fallback.calls.every((e) => (e as Event).requestContext['routeKey'] === '$default')).toBe(true);
    expect(join.calls).toHaveLength(0);
    expect(c.raw.filter((frame) => frame.includes('Internal server error'))).toEqual([]);
  });

  it('answers Forbidden, not an error, for an inherited-property action when there is no $default', async () => {
    await start({ routes: { join: { name: 'join', handler: recorder().handler } } });
    const c = await client();
    c.send('{"action":"constructor"}');
    await waitFor(() => c.raw.length === 1);
    expect(c.raw[0]).toMatch(/^\{"message": "Forbidden", /);
  });

  it('sends the exact Forbidden frame when no route matches and there is no $default', async () => {
    await start({ routes: { join: { name: 'join', handler: recorder().handler } } });
    const c = await client();
    c.send('{"action":"nope"}');
    await waitFor(() => c.raw.length === 1);
    expect(c.raw[0]).toMatch(
      /^\{"message": "Forbidden", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$/,
    );
    expect(c.ws.readyState).toBe(1);
  });

  it('sends the exact Internal server error frame when a handler throws, and keeps the connection', async () => {
    await start({
      routes: {
        $default: {
          name: 'default',
          handler: recorder(() => {
            throw new Error('x');
          }).handler,
        },
      },
    });
    const c = await client();
    c.send('{"action":"x"}');
    await waitFor(() => c.raw.length === 1);
    expect(c.raw[0]).toMatch(
      /^\{"message": "Internal server error", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/,
    );
    expect(c.ws.readyState).toBe(1);
  });

  it('sends Endpoint request timed out when a handler outlives the integration timeout (29 s)', async () => {
    const clock = new ManualClock();
    let release: () => void = () => undefined;
    const slow = recorder(() => new Promise((resolve) => (release = () => resolve({ statusCode: 200 }))));
    const probe = recorder(() => ({ statusCode: 200, body: 'probe' }));
    await start(
      {
        routes: {
          slow: { name: 'slow', handler: slow.handler },
          probe: { name: 'probe', handler: probe.handler },
        },
        twoWayRoutes: ['probe'],
      },
      { scheduler: clock },
    );
    const c = await client();
    c.send({ action: 'slow' });
    await waitFor(() => slow.calls.length === 1);

    clock.advance(28_999);
    c.send({ action: 'probe' });
    await waitFor(() => c.raw.length === 1);
    expect(c.raw).toEqual(['probe']);

    clock.advance(1);
    await waitFor(() => c.raw.length === 2);
    release();
    expect(c.raw[1]).toContain('"message": "Endpoint request timed out"');
  });

  it('sends a handler result back only on two-way routes', async () => {
    const replying = recorder(() => ({ statusCode: 200, body: 'reply' }));
    await start({
      routes: {
        one: { name: 'one', handler: replying.handler },
        two: { name: 'two', handler: replying.handler },
      },
      twoWayRoutes: ['two'],
    });
    const c = await client();
    c.send('{"action":"one"}');
    c.send('{"action":"two"}');
    await waitFor(() => replying.calls.length === 2 && c.raw.length === 1);
    expect(c.raw).toEqual(['reply']);
  });
});

describe('disconnect and limits', () => {
  function withDisconnect() {
    const disconnect = recorder();
    return { disconnect, routes: { $disconnect: { name: 'disconnect', handler: disconnect.handler } } };
  }

  it('fires $disconnect after the close, with the close code and the synthetic headers', async () => {
    const { disconnect, routes } = withDisconnect();
    await start({ routes });
    const c = await client();
    c.ws.close(4001, 'bye');
    await waitFor(() => disconnect.calls.length === 1);
    expect(disconnect.calls[0]).toMatchObject({
      headers: { 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
      requestContext: { eventType: 'DISCONNECT', disconnectStatusCode: 4001, disconnectReason: 'bye' },
    });
  });

  it('reports a close without status as 1005', async () => {
    const { disconnect, routes } = withDisconnect();
    await start({ routes });
    (await client()).ws.close();
    await waitFor(() => disconnect.calls.length === 1);
    expect(disconnect.calls[0]?.requestContext).toMatchObject({
      disconnectStatusCode: 1005,
      disconnectReason: 'Client-side close frame status not set',
    });
  });

  it('closes a frame over 32 KB with 1009', async () => {
    await start({ routes: { $default: { name: 'd', handler: recorder().handler } } });
    const c = await client();
    c.send(JSON.stringify({ action: 'x', text: 'y'.repeat(33 * 1024) }));
    expect((await c.closed).code).toBe(1009);
  });

  it('closes a binary frame with 1003', async () => {
    const { disconnect, routes } = withDisconnect();
    await start({ routes });
    const c = await client();
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.closed).code).toBe(1003);
    await waitFor(() => disconnect.calls.length === 1);
    expect(disconnect.calls[0]?.requestContext['disconnectStatusCode']).toBe(1003);
  });

  it('closes an idle connection after 10 minutes, and traffic in either direction keeps it open', async () => {
    const scheduler = new ManualClock();
    const { disconnect, routes } = withDisconnect();
    const echo = recorder();
    await start({ routes: { ...routes, ping: { name: 'ping', handler: echo.handler } } }, { scheduler });
    const talker = await client();
    const listener = await client();
    const silent = await client();
    const [, listenerId] = (gateway as WebSocketGateway).connectionIds();

    for (let minute = 0; minute < 3; minute += 1) {
      scheduler.advance(9 * 60_000);
      talker.send({ action: 'ping' });
      await waitFor(() => echo.calls.length === minute + 1);
      await sdk().send(
        new PostToConnectionCommand({ ConnectionId: listenerId, Data: new TextEncoder().encode('{}') }),
      );
    }

    expect((await silent.closed).code).toBe(1001);
    expect(talker.ws.readyState).toBe(1);
    expect(listener.ws.readyState).toBe(1);
    await waitFor(() => disconnect.calls.length === 1);
    expect(disconnect.calls[0]?.requestContext['disconnectStatusCode']).toBe(1001);
  });

  it('closes every connection at 2 hours, however busy', async () => {
    const scheduler = new ManualClock();
    const echo = recorder();
    await start({ routes: { ping: { name: 'ping', handler: echo.handler } } }, { scheduler });
    const c = await client();
    for (let i = 1; i <= 13; i += 1) {
      scheduler.advance(9 * 60_000);
      c.send({ action: 'ping' });
      await waitFor(() => echo.calls.length === i);
    }
    scheduler.advance(10 * 60_000);
    expect((await c.closed).code).toBe(1001);
  });
});

describe('@connections management API through the AWS SDK', () => {
  it('posts exactly the bytes given, with the id %3D-encoded by the SDK, on both endpoint forms', async () => {
    await start({});
    const c = await client();
    const [id] = (gateway as WebSocketGateway).connectionIds() as [string];
    const g = gateway as WebSocketGateway;
    await sdk().send(
      new PostToConnectionCommand({ ConnectionId: id, Data: new TextEncoder().encode('héllo {"x":1}') }),
    );
    await sdk(`http://localhost:${g.port}`).send(
      new PostToConnectionCommand({ ConnectionId: id, Data: new TextEncoder().encode('second') }),
    );
    await waitFor(() => c.raw.length === 2);
    expect(c.raw).toEqual(['héllo {"x":1}', 'second']);
  });

  it('answers GoneException (410) for unknown and closed connections', async () => {
    await start({});
    const c = await client();
    const [id] = (gateway as WebSocketGateway).connectionIds() as [string];
    const post = (connectionId: string) =>
      sdk().send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: new Uint8Array([123, 125]) }),
      );
    await expect(post('AAAAAAAAAAAAAAA=')).rejects.toBeInstanceOf(GoneException);
    await c.close();
    await expect(post(id)).rejects.toMatchObject({
      name: 'GoneException',
      $metadata: { httpStatusCode: 410 },
    });
  });

  it('answers PayloadTooLargeException (413) over 128 KiB', async () => {
    await start({});
    await client();
    const [id] = (gateway as WebSocketGateway).connectionIds() as [string];
    await expect(
      sdk().send(new PostToConnectionCommand({ ConnectionId: id, Data: new Uint8Array(131_073) })),
    ).rejects.toBeInstanceOf(PayloadTooLargeException);
  });

  it('describes a connection with GetConnection', async () => {
    await start({});
    await client('', { headers: { 'User-Agent': 'agent/2' } });
    const [id] = (gateway as WebSocketGateway).connectionIds() as [string];
    const info = await sdk().send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt).toBeInstanceOf(Date);
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'agent/2' });
  });

  it('closes with 1000 on DeleteConnection and fires $disconnect with "Connection Closed Normally"', async () => {
    const disconnect = recorder();
    await start({ routes: { $disconnect: { name: 'disconnect', handler: disconnect.handler } } });
    const c = await client();
    const [id] = (gateway as WebSocketGateway).connectionIds() as [string];
    const result = await sdk().send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(result.$metadata.httpStatusCode).toBe(204);
    expect((await c.closed).code).toBe(1000);
    await waitFor(() => disconnect.calls.length === 1);
    expect(disconnect.calls[0]?.requestContext).toMatchObject({
      disconnectStatusCode: 1000,
      disconnectReason: 'Connection Closed Normally',
    });
  });

  it('injects faults: forced 410 and 429 per connection, and an abrupt drop without $disconnect', async () => {
    const disconnect = recorder();
    const g = await start({ routes: { $disconnect: { name: 'disconnect', handler: disconnect.handler } } });
    const a = await client();
    await client();
    const [idA, idB] = g.connectionIds() as [string, string];
    const post = (id: string) =>
      sdk().send(new PostToConnectionCommand({ ConnectionId: id, Data: new Uint8Array([123, 125]) }));

    g.faults.goneFor.add(idA);
    await expect(post(idA)).rejects.toBeInstanceOf(GoneException);
    g.faults.throttleFor.set(idB, 1);
    await expect(post(idB)).rejects.toBeInstanceOf(LimitExceededException);
    await expect(post(idB)).resolves.toBeDefined();

    expect(g.dropAbruptly(idA)).toBe(true);
    expect((await a.closed).code).toBe(1006);
    g.faults.goneFor.clear();
    await expect(post(idA)).rejects.toBeInstanceOf(GoneException);
    expect(disconnect.calls).toHaveLength(0);
  });

  it('adds latency to management calls, in the scheduler time', async () => {
    const clock = new ManualClock();
    const g = await start({}, { scheduler: clock });
    const c = await client();
    const [id] = g.connectionIds() as [string];
    g.faults.latencyMs = 120;
    const posting = sdk().send(
      new PostToConnectionCommand({ ConnectionId: id, Data: new Uint8Array([123, 125]) }),
    );
    await waitFor(() => clock.pendingDelays().includes(120));
    clock.advance(119);
    expect(c.raw).toEqual([]);
    clock.advance(1);
    await posting;
    await waitFor(() => c.raw.length === 1);
    expect(c.raw).toEqual(['{}']);
  });
});

describe('time, all of it from the scheduler', () => {
  it("stamps events, the Lambda context, integrationLatency and log durations with the scheduler's time", async () => {
    const clock = new ManualClock(1_767_225_600_000);
    const log: RequestLogEntry[] = [];
    const remaining: number[] = [];
    const authorizer = recorder((event) => {
      clock.advance(40);
      return {
        principalId: 'u1',
        policyDocument: { Statement: [{ Effect: 'Allow', Resource: event['methodArn'] }] },
      };
    });
    const work = recorder(async () => {
      clock.advance(250);
      return { statusCode: 200 };
    });
    const observed = (async (event: Event, context: Context) => {
      remaining.push(context.getRemainingTimeInMillis());
      return work.handler(event as never, context);
    }) as unknown as LambdaHandler;
    await start(
      {
        authorizer: { name: 'auth', handler: authorizer.handler, identitySources: [] },
        routes: { work: { name: 'work', handler: observed } },
      },
      { scheduler: clock, log: (entry) => log.push(entry) },
    );
    const c = await client();
    c.send({ action: 'work' });
    await waitFor(() => log.some((entry) => entry.kind === 'MESSAGE'));

    expect(authorizer.calls[0]?.requestContext).toMatchObject({
      connectedAt: 1_767_225_600_000,
      requestTimeEpoch: 1_767_225_600_000,
    });
    expect(work.calls[0]?.requestContext).toMatchObject({
      connectedAt: 1_767_225_600_000,
      requestTimeEpoch: 1_767_225_600_040,
      authorizer: { principalId: 'u1', integrationLatency: 40 },
    });
    expect(remaining).toEqual([30_000]);
    expect(log.map(({ kind, ms }) => ({ kind, ms }))).toEqual([
      { kind: 'CONNECT', ms: 40 },
      { kind: 'MESSAGE', ms: 250 },
    ]);
    expect(c.ws.readyState).toBe(1);
  });

  it('cuts a client that never answers the close handshake after 2 s, then runs $disconnect', async () => {
    const clock = new ManualClock();
    const disconnect = recorder();
    const g = await start(
      { routes: { $disconnect: { name: 'disconnect', handler: disconnect.handler } } },
      { scheduler: clock },
    );
    const mute = await silentClient(g.port);
    await waitFor(() => g.connectionIds().length === 1);
    const [id] = g.connectionIds() as [string];

    await sdk().send(new DeleteConnectionCommand({ ConnectionId: id }));
    clock.advance(1_999);
    expect(g.connectionIds()).toEqual([id]);
    clock.advance(1);
    await waitFor(() => disconnect.calls.length === 1);
    expect(disconnect.calls[0]?.requestContext['disconnectStatusCode']).toBe(1000);
    mute.destroy();
  });
});

/** Completes the upgrade over a bare socket, then ignores every frame (a close frame included). */
async function silentClient(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.write(
    [
      'GET /local HTTP/1.1',
      `Host: localhost:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  await waitFor(() => received.startsWith('HTTP/1.1 101'));
  return socket;
}
