// Integration: a chat handler whose table stops answering turns the failure into an internal_error frame
// and a 500, without internals and without throwing (its own DynamoDB Local, since the test stops it).

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServerEvent } from '../../src/domain/index.js';
import type { WsEvent, WsResult } from '../../src/handlers/runtime/ws-event.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';
import { startTestTable, type TestTable } from '../support/dynamodb-table.js';
import { handlerEnvironment } from '../support/handler-env.js';
import { connectEvent, lambdaContext, messageEvent } from '../support/ws-events.js';

type Handler = (event: WsEvent, context: ReturnType<typeof lambdaContext>) => Promise<WsResult>;

let table: TestTable;
let api: ConnectionsApiServer;
let connect: Handler;
let message: Handler;
const alice = {
  authorizer: { principalId: 'alice', userId: 'alice', name: 'alice', integrationLatency: 12 },
};

beforeAll(async () => {
  [table, api] = await Promise.all([startTestTable({ ownInstance: true }), startConnectionsApi('prod')]);
  Object.assign(process.env, handlerEnvironment(table, api));
  ({ handler: connect } = (await import('../../src/handlers/functions/connect.js')) as { handler: Handler });
  ({ handler: message } = (await import('../../src/handlers/functions/message.js')) as { handler: Handler });
}, 60_000);

afterAll(async () => {
  await Promise.all([table?.stop(), api?.stop()]);
});

describe('a chat handler without its table', () => {
  it('turns an unexpected failure into internal_error without internals, and never throws', async () => {
    api.directory.connect('AliceConn00001=');
    expect(await connect(connectEvent('AliceConn00001=', alice), lambdaContext('connect'))).toEqual({
      statusCode: 200,
    });

    await table.db.stop();
    const result = await message(
      messageEvent('AliceConn00001=', 'sendMessage', '{"action":"sendMessage","text":"x"}', alice),
      lambdaContext('message'),
    );

    expect(result).toEqual({ statusCode: 500 });
    const frames = api.directory.frames('AliceConn00001=').map((frame) => JSON.parse(frame) as ServerEvent);
    expect(frames.at(-1)).toEqual({
      type: 'error',
      code: 'internal_error',
      message: 'Something went wrong on our side',
    });
  });
});
