// Integration: the @connections client's HTTP handler over real sockets to a loopback server, alone and
// under the SDK client the pool builds (against the local management API): empty successes come back
// as empty bytes, every other answer with its body.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { HttpRequest } from '@smithy/protocol-http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { EmptyAnswerHttpHandler } from '../../src/adapters/apigateway/empty-answer-http-handler.js';
import { ManagementApiNotifier, ManagementClientPool } from '../../src/adapters/apigateway/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';

/** What the loopback server answers on each path: status, headers, body. */
const answers: Record<string, [number, Record<string, string>, string]> = {
  '/empty-200': [200, { 'content-length': '0' }, ''],
  '/json-200': [200, { 'content-type': 'application/json' }, '{"connectedAt":"2024-01-01T00:00:00.000Z"}'],
  '/empty-300': [300, { 'content-length': '0' }, ''],
  '/gone-410': [410, { 'content-type': 'application/json' }, '{"message":null}'],
};

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    const [status, headers, body] = answers[request.url ?? ''] ?? [404, {}, ''];
    request.resume();
    request.on('end', () => response.writeHead(status, headers).end(body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

async function call(handler: EmptyAnswerHttpHandler, path: string) {
  const { response } = await handler.handle(
    new HttpRequest({
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      method: 'POST',
      path,
      headers: { host: `127.0.0.1:${port}` },
    }),
  );
  return response;
}

async function text(body: unknown): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

describe('EmptyAnswerHttpHandler', () => {
  it('hands on a success with no body as empty bytes, not as a stream to collect', async () => {
    const handler = new EmptyAnswerHttpHandler();
    try {
      const response = await call(handler, '/empty-200');
      expect(response.statusCode).toBe(200);
      expect(response.body).toBeInstanceOf(Uint8Array);
      expect(response.body).toHaveLength(0);
      // The socket went back to the pool: the next call goes through.
      expect((await call(handler, '/empty-200')).statusCode).toBe(200);
    } finally {
      handler.destroy();
    }
  });

  it.each([
    ['a success with a body', '/json-200', 200],
    ['an answer from 300 up, even one without a body', '/empty-300', 300],
    ['an error with a body', '/gone-410', 410],
  ])('hands on %s as the body stream, unread', async (_, path, status) => {
    const handler = new EmptyAnswerHttpHandler();
    try {
      const response = await call(handler, path);
      expect(response.statusCode).toBe(status);
      expect(response.body).toBeInstanceOf(Readable);
      expect(await text(response.body)).toBe(answers[path]?.[2]);
    } finally {
      handler.destroy();
    }
  });
});

describe('the pool client with this handler', () => {
  let api: ConnectionsApiServer;

  beforeAll(async () => {
    api = await startConnectionsApi('prod');
  });

  afterAll(async () => {
    await api.stop();
  });

  it('still reads the body of a call that answers with one (GetConnection)', async () => {
    const pool = new ManagementClientPool({
      region: LOCAL_REGION,
      maxSockets: 2,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      api.directory.connect('WithBody000001=');
      const info = await pool
        .clientFor(api.endpoint)
        .send(new GetConnectionCommand({ ConnectionId: 'WithBody000001=' }));
      expect(info.ConnectedAt).toBeInstanceOf(Date);
      expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    } finally {
      pool.destroy();
    }
  });

  it("still reads an error's message from its body", async () => {
    const pool = new ManagementClientPool({
      region: LOCAL_REGION,
      maxSockets: 2,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      // A path with no route: the local API answers 403 with {"message":"Forbidden"}.
      const notifier = new ManagementApiNotifier({ client: pool.clientFor(`${api.origin}/prod/extra`) });
      const error = await notifier
        .deliver('Anything000001=', { type: 'pong', serverTime: 1 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        cause: expect.objectContaining({ name: 'ForbiddenException', message: 'Forbidden' }),
      });
    } finally {
      pool.destroy();
    }
  });
});
