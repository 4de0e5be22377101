// Integration: anonymous mode, as in the classic walkthroughs: no authorizer, a made-up user id,
// the display name from `?name=`, and the identity read back from the connection record.

import { afterAll, beforeAll, expect, it } from '@jest/globals';
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

beforeAll(async () => {
  [table, api] = await Promise.all([startTestTable(), startConnectionsApi('prod')]);
  Object.assign(process.env, handlerEnvironment(table, api, { AUTH_MODE: 'anonymous' }));
  ({ handler: connect } = (await import('../../src/handlers/functions/connect.js')) as { handler: Handler });
  ({ handler: message } = (await import('../../src/handlers/functions/message.js')) as { handler: Handler });
}, 60_000);

afterAll(async () => {
  await Promise.all([table?.stop(), api?.stop()]);
});

const last = (id: string) => JSON.parse(api.directory.frames(id).at(-1) ?? 'null') as ServerEvent | null;

it('connects without a token, names the user from ?name= and keeps that identity', async () => {
  for (const id of ['AnonOne0000001=', 'AnonTwo0000001=']) api.directory.connect(id);
  expect(await connect(connectEvent('AnonOne0000001=', { query: { name: 'Zed' } }), lambdaContext())).toEqual(
    {
      statusCode: 200,
    },
  );
  expect(await connect(connectEvent('AnonTwo0000001='), lambdaContext())).toEqual({ statusCode: 200 });

  await message(messageEvent('AnonOne0000001=', 'whoami', '{"action":"whoami"}'), lambdaContext());
  const me = last('AnonOne0000001=');
  expect(me).toMatchObject({ type: 'whoami', user: { displayName: 'Zed' } });
  expect(me?.type === 'whoami' && me.user.userId).toMatch(/^anon-[0-9a-f]{8}$/);

  const body = '{"action":"sendMessage","data":"hello world","from":"someone-else"}';
  await message(messageEvent('AnonOne0000001=', 'sendMessage', body), lambdaContext());
  expect(last('AnonTwo0000001=')).toMatchObject({
    type: 'message',
    text: 'hello world',
    from: { displayName: 'Zed' },
  });
});
