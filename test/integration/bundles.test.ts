// Integration: every built bundle (dist/functions/<name>/index.mjs, from `make build`) is imported in a
// fresh Node process, as Lambda would, and invoked with a real-shaped event against DynamoDB Local and
// the @connections API on loopback.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ROUTE_TABLE } from '../../src/handlers/route-table.js';
import { createDevKeys } from '../../src/local/dev-keys.js';
import { handlerEnvironment } from '../../src/local/handler-environment.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';
import { startTestTable, type TestTable } from '../support/dynamodb-table.js';
import { waitFor } from '../support/ws-client.js';
import {
  authorizerEvent,
  connectEvent,
  disconnectEvent,
  httpEvent,
  lambdaContext,
  messageEvent,
} from '../support/ws-events.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bundleOf = (name: string) => join(root, 'dist/functions', name, 'index.mjs');

let table: TestTable;
let api: ConnectionsApiServer;
const keys = createDevKeys();
const connectionId = 'BundleConn0001=';
const authorizer = { principalId: 'bundle-user', userId: 'bundle-user', name: 'Bundle' };

/** Marks the line with the handler's result among the log lines the bundle writes to stdout. */
const RESULT = 'bundle-result:';

/**
 * Imports the bundle in a new process and invokes its handler once; returns what the handler returned
 * and the other lines it wrote to stdout (its logs and metrics).
 */
async function invokeBundleWithOutput(
  name: string,
  event: unknown,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ result: unknown; lines: Record<string, unknown>[] }> {
  const script =
    `import { handler } from ${JSON.stringify(pathToFileURL(bundleOf(name)).href)};` +
    'const result = await handler(JSON.parse(process.env.EVENT), JSON.parse(process.env.CONTEXT));' +
    `process.stdout.write('\\n${RESULT}' + JSON.stringify(result ?? null));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env['PATH'],
      ...handlerEnvironment({
        tableName: table.tableName,
        dynamoDbEndpoint: table.db.endpoint,
        managementEndpoint: api.endpoint,
        // Small rooms never reach the queue; the worker needs it named for its follow-up jobs.
        fanOutQueue: {
          queueUrl: 'http://127.0.0.1:9/000000000000/roomcast-fanout',
          endpoint: 'http://127.0.0.1:9',
        },
        jwks: keys.jwks,
        logLevel: 'SILENT',
      }),
      EVENT: JSON.stringify(event),
      CONTEXT: JSON.stringify(lambdaContext(name)),
      ...extraEnv,
    },
  });
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  const result = lines.find((line) => line.startsWith(RESULT))?.slice(RESULT.length);
  if (result === undefined) throw new Error(`No result from ${name}: ${stdout}`);
  return {
    result: JSON.parse(result) as unknown,
    lines: lines
      .filter((line) => !line.startsWith(RESULT))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function invokeBundle(
  name: string,
  event: unknown,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<unknown> {
  return (await invokeBundleWithOutput(name, event, extraEnv)).result;
}

const frames = () =>
  api.directory.frames(connectionId).map((frame) => JSON.parse(frame) as Record<string, unknown>);
const lastFrame = () => frames().at(-1);

beforeAll(async () => {
  const missing = Object.keys(ROUTE_TABLE.functions).filter((name) => !existsSync(bundleOf(name)));
  if (missing.length > 0)
    throw new Error(`Bundles missing (${missing.join(', ')}): run \`make build\` first`);
  [table, api] = await Promise.all([startTestTable(), startConnectionsApi('prod')]);
  api.directory.connect(connectionId);
}, 60_000);

afterAll(async () => {
  await Promise.all([table?.stop(), api?.stop()]);
});

const fromSystem = { userId: 'system', displayName: 'System' };

const message = (route: string, body: object) =>
  messageEvent(connectionId, route, JSON.stringify({ action: route, ...body }), { authorizer });

/**
 * Each case names a WebSocket route (served by the route table's function for it) or a function. In
 * order: connect first, so the message routes find the connection and its lobby membership.
 */
const cases: [string, () => unknown, (result: unknown) => void][] = [
  [
    'authorizer',
    () => authorizerEvent({ query: { token: keys.sign({ sub: 'bundle-user', name: 'Bundle' }) } }),
    (result) =>
      expect(result).toMatchObject({ principalId: 'bundle-user', context: { userId: 'bundle-user' } }),
  ],
  [
    '$connect',
    () => connectEvent(connectionId, { authorizer }),
    (result) => expect(result).toEqual({ statusCode: 200 }),
  ],
  [
    'join',
    () => message('join', { room: 'bundles' }),
    () => expect(lastFrame()).toMatchObject({ type: 'joined' }),
  ],
  [
    'presence',
    () => message('presence', { room: 'bundles' }),
    () => expect(lastFrame()).toMatchObject({ type: 'presence' }),
  ],
  [
    'sendMessage',
    () => message('sendMessage', { room: 'bundles', text: 'hi' }),
    () =>
      expect(frames().slice(-2)).toMatchObject([
        { type: 'ack', seq: 1 },
        { type: 'message', seq: 1 },
      ]),
  ],
  [
    'sendDirect',
    () => message('sendDirect', { to: 'friend', text: 'psst' }),
    () => expect(lastFrame()).toMatchObject({ type: 'ack', to: 'friend' }),
  ],
  [
    'history',
    () => message('history', { room: 'bundles' }),
    () => expect(lastFrame()).toMatchObject({ type: 'history', messages: [{ text: 'hi' }] }),
  ],
  [
    'editMessage',
    () => message('editMessage', { room: 'bundles', seq: 1, text: 'hi!' }),
    () => expect(lastFrame()).toMatchObject({ type: 'message_updated', seq: 2, target: 1, text: 'hi!' }),
  ],
  [
    'react',
    () => message('react', { room: 'bundles', seq: 1, reaction: '👍' }),
    () =>
      expect(lastFrame()).toMatchObject({
        type: 'reactions_updated',
        seq: 1,
        reactions: [{ reaction: '👍', count: 1 }],
      }),
  ],
  [
    'deleteMessage',
    () => message('deleteMessage', { room: 'bundles', seq: 1 }),
    () => expect(lastFrame()).toMatchObject({ type: 'message_deleted', seq: 3, target: 1 }),
  ],
  [
    'roomReaction',
    () => message('roomReaction', { room: 'bundles', reaction: '👏' }),
    (result) => expect(result).toEqual({ statusCode: 200 }),
  ],
  [
    'setStatus',
    () => message('setStatus', { status: 'away', text: 'lunch' }),
    () => expect(lastFrame()).toMatchObject({ type: 'status', status: 'away', statusText: 'lunch' }),
  ],
  [
    'markRead',
    () => message('markRead', { room: 'bundles', seq: 3 }),
    () => expect(lastFrame()).toMatchObject({ type: 'read_marker', readSeq: 3, lastSeq: 3, unread: 0 }),
  ],
  [
    'unread',
    () => message('unread', {}),
    () => expect(lastFrame()).toMatchObject({ type: 'unread', truncated: false }),
  ],
  [
    'typing',
    () => message('typing', { room: 'bundles' }),
    (result) => expect(result).toEqual({ statusCode: 200 }),
  ],
  [
    'ping',
    () => message('ping', { requestId: 'b' }),
    () => expect(lastFrame()).toMatchObject({ type: 'pong', requestId: 'b' }),
  ],
  [
    'whoami',
    () => message('whoami', {}),
    () => expect(lastFrame()).toMatchObject({ type: 'whoami', connectionId }),
  ],
  [
    'removeMember',
    // The bundles' caller has no moderator claim: the refusal is the route's answer.
    () => message('removeMember', { room: 'bundles', member: 'nobody' }),
    () => expect(lastFrame()).toMatchObject({ type: 'error', code: 'forbidden' }),
  ],
  [
    'leave',
    () => message('leave', { room: 'bundles' }),
    () => expect(lastFrame()).toMatchObject({ type: 'left' }),
  ],
  [
    '$default',
    () => messageEvent(connectionId, '$default', '{"action":"dance"}', { authorizer }),
    () => expect(lastFrame()).toMatchObject({ type: 'error', code: 'unknown_action' }),
  ],
  [
    'apiPublishToRoom',
    () =>
      httpEvent('POST /rooms/{room}/messages', {
        path: '/rooms/bundles/messages',
        pathParameters: { room: 'bundles' },
        body: { text: 'from a backend' },
      }),
    (result) => expect(result).toMatchObject({ statusCode: 201 }),
  ],
  [
    'apiPublishToUser',
    () =>
      httpEvent('POST /users/{user}/messages', {
        path: '/users/bundle-user/messages',
        pathParameters: { user: 'bundle-user' },
        body: { text: 'for you' },
      }),
    () => expect(lastFrame()).toMatchObject({ type: 'direct', text: 'for you' }),
  ],
  [
    'apiBroadcast',
    () => httpEvent('POST /broadcast', { path: '/broadcast', body: { text: 'to all' } }),
    () => expect(lastFrame()).toMatchObject({ type: 'notice', text: 'to all' }),
  ],
  [
    'apiRoomMembers',
    () =>
      httpEvent('GET /rooms/{room}/members', {
        path: '/rooms/lobby/members',
        pathParameters: { room: 'lobby' },
      }),
    (result) =>
      expect(JSON.parse((result as { body: string }).body)).toMatchObject({
        members: [{ userId: 'bundle-user' }],
      }),
  ],
  [
    'apiRoomHistory',
    () =>
      httpEvent('GET /rooms/{room}/messages', {
        path: '/rooms/bundles/messages',
        pathParameters: { room: 'bundles' },
        query: { after: '3' },
      }),
    (result) =>
      expect(JSON.parse((result as { body: string }).body)).toMatchObject({
        messages: [{ seq: 4, text: 'from a backend' }],
      }),
  ],
  [
    'apiEditRoomMessage',
    () =>
      httpEvent('PATCH /rooms/{room}/messages/{seq}', {
        path: '/rooms/bundles/messages/4',
        pathParameters: { room: 'bundles', seq: '4' },
        body: { text: 'from a backend, edited' },
      }),
    (result) =>
      expect(JSON.parse((result as { body: string }).body)).toMatchObject({
        type: 'message_updated',
        seq: 5,
      }),
  ],
  [
    'apiDeleteRoomMessage',
    () =>
      httpEvent('DELETE /rooms/{room}/messages/{seq}', {
        path: '/rooms/bundles/messages/4',
        pathParameters: { room: 'bundles', seq: '4' },
      }),
    (result) =>
      expect(JSON.parse((result as { body: string }).body)).toMatchObject({
        type: 'message_deleted',
        seq: 6,
      }),
  ],
  [
    'apiKickConnection',
    () =>
      httpEvent('DELETE /connections/{connectionId}', {
        path: '/connections/x',
        pathParameters: { connectionId: 'NeverSeen000000=' },
      }),
    (result) => expect(result).toMatchObject({ statusCode: 404 }),
  ],
  [
    'apiKickUser',
    () =>
      httpEvent('DELETE /users/{user}/connections', {
        path: '/users/nobody/connections',
        pathParameters: { user: 'nobody' },
      }),
    (result) => expect(JSON.parse((result as { body: string }).body)).toEqual({ closed: 0, gone: 0 }),
  ],
  [
    'apiBanUser',
    () =>
      httpEvent('PUT /rooms/{room}/bans/{user}', {
        path: '/rooms/bundles/bans/nobody',
        pathParameters: { room: 'bundles', user: 'nobody' },
      }),
    (result) =>
      expect(JSON.parse((result as { body: string }).body)).toEqual({
        room: 'bundles',
        user: 'nobody',
        banned: true,
        removed: 0,
      }),
  ],
  [
    'apiUnbanUser',
    () =>
      httpEvent('DELETE /rooms/{room}/bans/{user}', {
        path: '/rooms/bundles/bans/nobody',
        pathParameters: { room: 'bundles', user: 'nobody' },
      }),
    (result) =>
      expect(JSON.parse((result as { body: string }).body)).toEqual({
        room: 'bundles',
        user: 'nobody',
        banned: false,
        unbanned: true,
      }),
  ],
  [
    'fanout',
    () => ({
      Records: [
        {
          messageId: 'job-1',
          receiptHandle: 'handle-1',
          body: JSON.stringify({
            shard: { kind: 'room', room: 'lobby', bucket: 0 },
            event: { type: 'notice', messageId: 'n-2', from: fromSystem, text: 'from a worker', sentAt: 2 },
          }),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: '1',
            SenderId: 'x',
            ApproximateFirstReceiveTimestamp: '1',
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:roomcast-fanout',
          awsRegion: 'us-east-1',
        },
      ],
    }),
    (result) => {
      expect(result).toEqual({ batchItemFailures: [] });
      expect(lastFrame()).toMatchObject({ type: 'notice', text: 'from a worker' });
    },
  ],
  [
    '$disconnect',
    () => disconnectEvent(connectionId, { authorizer }),
    (result) => expect(result).toEqual({ statusCode: 200 }),
  ],
];

const functionOf = (name: string): string => ROUTE_TABLE.routes[name] ?? name;

describe('built bundles', () => {
  it('covers every function and every WebSocket route of the route table', () => {
    const names = cases.map(([name]) => name);
    expect([...new Set(names.map(functionOf))].sort()).toEqual(Object.keys(ROUTE_TABLE.functions).sort());
    expect(names).toEqual(expect.arrayContaining(Object.keys(ROUTE_TABLE.routes)));
  });

  it.each(cases)('%s loads in a fresh process and serves a real-shaped event', async (name, event, check) => {
    check(await invokeBundle(functionOf(name), event()));
  });
});

describe('SDK tracing', () => {
  // What Lambda sets for a traced invocation, with the X-Ray daemon played by a UDP socket on loopback.
  const lambdaTracing = (port: number, root: string): NodeJS.ProcessEnv => ({
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: 'roomcast-test-message',
    LAMBDA_TASK_ROOT: dirname(bundleOf('message')),
    _HANDLER: 'index.handler',
    _X_AMZN_TRACE_ID: `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1`,
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`,
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  });

  it('is off by default; SDK_TRACING=on sends the invocation and each AWS call to X-Ray', async () => {
    const daemon = createSocket('udp4');
    const documents: Record<string, unknown>[] = [];
    // Each datagram is a header line, then one segment or subsegment document.
    daemon.on('message', (datagram) => {
      const [, body] = datagram.toString('utf8').split('\n');
      if (body !== undefined) documents.push(JSON.parse(body) as Record<string, unknown>);
    });
    await new Promise<void>((done) => daemon.bind(0, '127.0.0.1', done));
    const { port } = daemon.address() as AddressInfo;
    try {
      const off = '1-6740a1b2-000000000000000000000001';
      const on = '1-6740a1b2-000000000000000000000002';
      const whoami = () => message('whoami', {});
      expect(await invokeBundle('message', whoami(), lambdaTracing(port, off))).toEqual({ statusCode: 200 });
      expect(
        await invokeBundle('message', whoami(), { ...lambdaTracing(port, on), SDK_TRACING: 'on' }),
      ).toEqual({ statusCode: 200 });

      const names = (root: string) =>
        documents.filter((d) => d['trace_id'] === root).map((d) => String(d['name']));
      await waitFor(() =>
        ['## index.handler', 'DynamoDB', 'ApiGatewayManagementApi'].every((n) => names(on).includes(n)),
      );
      expect(names(off)).toEqual([]);
    } finally {
      daemon.close();
    }
  });
});

describe('service name and metrics namespace', () => {
  /** A `$connect` with logs at INFO and metrics on: its `connected` line and the lobby fan-out's metrics. */
  async function connectLogs(connection: string, names: NodeJS.ProcessEnv) {
    const userId = connection.toLowerCase().replace(/=$/, '');
    const { result, lines } = await invokeBundleWithOutput(
      'connect',
      connectEvent(connection, { authorizer: { principalId: userId, userId, name: userId } }),
      { ...names, POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' },
    );
    expect(result).toEqual({ statusCode: 200 });
    return {
      connected: lines.find((line) => line['message'] === 'connected'),
      metrics: lines.find((line) => line['_aws'] !== undefined),
    };
  }

  it('follows the stack: one named acme logs and measures as acme', async () => {
    const { connected, metrics } = await connectLogs('AcmeConn000001=', {
      POWERTOOLS_SERVICE_NAME: 'acme',
      POWERTOOLS_METRICS_NAMESPACE: 'acme',
    });
    expect(connected).toMatchObject({ service: 'acme' });
    expect(metrics).toMatchObject({ service: 'acme', _aws: { CloudWatchMetrics: [{ Namespace: 'acme' }] } });
  });

  it('is roomcast when the stack does not say', async () => {
    const { connected, metrics } = await connectLogs('PlainConn00001=', {});
    expect(connected).toMatchObject({ service: 'roomcast' });
    expect(metrics).toMatchObject({
      service: 'roomcast',
      _aws: { CloudWatchMetrics: [{ Namespace: 'roomcast' }] },
    });
  });
});
