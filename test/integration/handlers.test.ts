// Integration: the Lambda handlers invoked as Lambda invokes them, with real-shaped events, on
// DynamoDB Local and the @connections API on loopback (through the real AWS SDK clients).

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServerEvent } from '../../src/domain/index.js';
import type { WsEvent, WsResult } from '../../src/handlers/runtime/ws-event.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';
import { startTestTable, type TestTable } from '../support/dynamodb-table.js';
import { handlerEnvironment } from '../support/handler-env.js';
import { connectEvent, disconnectEvent, lambdaContext, messageEvent } from '../support/ws-events.js';

type Handler = (event: WsEvent, context: ReturnType<typeof lambdaContext>) => Promise<WsResult>;

let table: TestTable;
let api: ConnectionsApiServer;
const handlers: Record<string, Handler> = {};

beforeAll(async () => {
  [table, api] = await Promise.all([startTestTable(), startConnectionsApi('prod')]);
  Object.assign(process.env, handlerEnvironment(table, api));
  // Literal paths, one import each, so that Jest (and mutation testing's related-test lookup) sees which
  // functions this file loads; one after another, as Jest's ESM loader fails imports that share modules
  // and run at once.
  handlers['connect'] = (
    (await import('../../src/handlers/functions/connect.js')) as { handler: Handler }
  ).handler;
  handlers['disconnect'] = (
    (await import('../../src/handlers/functions/disconnect.js')) as { handler: Handler }
  ).handler;
  handlers['message'] = (
    (await import('../../src/handlers/functions/message.js')) as { handler: Handler }
  ).handler;
}, 60_000);

afterAll(async () => {
  await Promise.all([table?.stop(), api?.stop()]);
});

const as = (userId: string, name = userId) => ({
  authorizer: { principalId: userId, userId, name, integrationLatency: 12 },
});

function invoke(name: string, event: WsEvent): Promise<WsResult> {
  return (handlers[name] as Handler)(event, lambdaContext(name));
}

function frames(connectionId: string): ServerEvent[] {
  return api.directory.frames(connectionId).map((frame) => JSON.parse(frame) as ServerEvent);
}

function lastFrame(connectionId: string): ServerEvent | undefined {
  return frames(connectionId).at(-1);
}

async function connected(connectionId: string, userId: string): Promise<void> {
  api.directory.connect(connectionId);
  expect(await invoke('connect', connectEvent(connectionId, as(userId)))).toEqual({ statusCode: 200 });
}

describe('Lambda handlers', () => {
  beforeAll(async () => {
    await connected('AliceConn00001=', 'alice');
    await connected('BobConn0000001=', 'bob');
  });

  it('refuses $connect without an identity from the authorizer', async () => {
    expect(await invoke('connect', connectEvent('NoAuthConn0001='))).toEqual({ statusCode: 401 });
  });

  it('serves an action route: join replies with presence', async () => {
    const result = await invoke(
      'message',
      messageEvent(
        'AliceConn00001=',
        'join',
        '{"action":"join","room":"general","requestId":"j1"}',
        as('alice'),
      ),
    );
    expect(result).toEqual({ statusCode: 200 });
    expect(lastFrame('AliceConn00001=')).toMatchObject({ type: 'joined', room: 'general', requestId: 'j1' });
  });

  it.each<[string, string | undefined, string]>([
    ['malformed JSON', '{"action":"join",', 'invalid_json'],
    ['a missing body', undefined, 'invalid_json'],
    ['a non-object body', '[1,2,3]', 'invalid_request'],
    ['a JSON string body', '"join"', 'invalid_request'],
    ['an invalid room', '{"action":"join","room":"../etc","requestId":"bad-room"}', 'invalid_room'],
  ])('answers %s with a typed error frame and a status', async (_label, body, code) => {
    const result = await invoke('message', messageEvent('AliceConn00001=', 'join', body, as('alice')));
    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(lastFrame('AliceConn00001=')).toMatchObject({ type: 'error', code });
  });

  it('echoes the requestId on an error frame', async () => {
    await invoke(
      'message',
      messageEvent(
        'AliceConn00001=',
        'join',
        '{"action":"join","room":"a/b","requestId":"r-9"}',
        as('alice'),
      ),
    );
    expect(lastFrame('AliceConn00001=')).toMatchObject({
      type: 'error',
      code: 'invalid_room',
      requestId: 'r-9',
    });
  });

  it('refuses a 200 KB message as too large and stores nothing', async () => {
    const body = JSON.stringify({ action: 'sendMessage', text: 'x'.repeat(200_000) });
    const result = await invoke('message', messageEvent('AliceConn00001=', 'sendMessage', body, as('alice')));
    expect(result).toEqual({ statusCode: 413 });
    expect(lastFrame('AliceConn00001=')).toMatchObject({ type: 'error', code: 'message_too_large' });
    await invoke(
      'message',
      messageEvent('AliceConn00001=', 'history', '{"action":"history","room":"lobby"}', as('alice')),
    );
    expect(lastFrame('AliceConn00001=')).toMatchObject({ type: 'history', messages: [] });
  });

  it('takes the sender from the authorizer, whatever the body claims', async () => {
    const body = '{"action":"sendMessage","text":"hi","from":"bob","sender":"bob","userId":"bob"}';
    await invoke('message', messageEvent('AliceConn00001=', 'sendMessage', body, as('alice', 'Alice')));
    const received = frames('BobConn0000001=').filter((e) => e.type === 'message');
    expect(received.at(-1)).toMatchObject({ text: 'hi', from: { userId: 'alice', displayName: 'Alice' } });
    const own = frames('AliceConn00001=').slice(-2);
    expect(own.map((e) => e.type)).toEqual(['ack', 'message']);
  });

  it('answers an unknown action on $default with the valid actions', async () => {
    await invoke('message', messageEvent('AliceConn00001=', '$default', '{"action":"dance"}', as('alice')));
    const frame = lastFrame('AliceConn00001=');
    expect(frame).toMatchObject({ type: 'error', code: 'unknown_action' });
    expect(frame?.type === 'error' && frame.details?.['validActions']).toContain('sendMessage');
  });

  it('answers a frame that is not JSON on $default with invalid_json', async () => {
    await invoke('message', messageEvent('AliceConn00001=', '$default', 'hello there', as('alice')));
    expect(lastFrame('AliceConn00001=')).toMatchObject({ type: 'error', code: 'invalid_json' });
  });

  it('serves a known action that reached $default', async () => {
    await invoke(
      'message',
      messageEvent('AliceConn00001=', '$default', '{"action":"ping","requestId":"p"}', as('alice')),
    );
    expect(lastFrame('AliceConn00001=')).toMatchObject({ type: 'pong', requestId: 'p' });
  });

  it('reports the management endpoint on whoami', async () => {
    await invoke('message', messageEvent('BobConn0000001=', 'whoami', '{"action":"whoami"}', as('bob')));
    expect(lastFrame('BobConn0000001=')).toMatchObject({
      type: 'whoami',
      connectionId: 'BobConn0000001=',
      user: { userId: 'bob' },
      endpoint: api.endpoint,
    });
  });

  it('refuses a message event without identity', async () => {
    await invoke('message', messageEvent('BobConn0000001=', 'whoami', '{"action":"whoami"}'));
    expect(lastFrame('BobConn0000001=')).toMatchObject({ type: 'error', code: 'unauthorized' });
  });

  it('cleans up on $disconnect and tells the lobby', async () => {
    await connected('CarolConn00001=', 'carol');
    expect(await invoke('disconnect', disconnectEvent('CarolConn00001=', as('carol')))).toEqual({
      statusCode: 200,
    });
    expect(frames('BobConn0000001=').at(-1)).toMatchObject({
      type: 'member_left',
      user: { userId: 'carol' },
    });
  });
});
