// End to end: `make dev`'s stack (DynamoDB Local, the emulator, the real handlers, the web server)
// driven by real WebSocket clients, in token mode.

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ManagementApiNotifier, ManagementClientPool } from '../../src/adapters/apigateway/index.js';
import {
  createDocumentClient,
  DynamoDbConnectionRegistry,
  DynamoDbMessageLog,
  DynamoDbRoomMembership,
} from '../../src/adapters/dynamodb/index.js';
import { RandomIds } from '../../src/adapters/system/random-ids.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { chatPolicy, createChat } from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

const run = promisify(execFile);
const scheduler = new ManualClock();
const clients: TestClient[] = [];
const stack = useDevStack({ scheduler }, { beforeStop: () => clients.forEach((c) => c.ws.terminate()) });

async function tokenFor(user: string, name = user): Promise<string> {
  const response = await fetch(
    `${stack().web.url}/dev/token?user=${encodeURIComponent(user)}&name=${encodeURIComponent(name)}`,
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function connectAs(user: string, name = user): Promise<TestClient> {
  const client = await openClient(`${stack().wsUrl}?token=${await tokenFor(user, name)}`);
  clients.push(client);
  return client;
}

let requests = 0;
/** Sends an action with a fresh requestId and waits for the reply carrying it. */
async function ask(client: TestClient, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const requestId = `q${(requests += 1)}`;
  client.send({ ...frame, requestId });
  return client.next((f) => f['requestId'] === requestId);
}

const messages = (client: TestClient, type = 'message') =>
  client.frames.filter(
    (f): f is Record<string, unknown> =>
      typeof f === 'object' && f !== null && (f as { type?: unknown }).type === type,
  );

describe('the local stack, end to end', () => {
  it('refuses a connection without a valid token at the handshake', async () => {
    await expect(openClient(stack().wsUrl)).rejects.toMatchObject({ status: 401 });
    await expect(openClient(`${stack().wsUrl}?token=forged.token.value`)).rejects.toMatchObject({
      status: 403,
    });
  });

  it('1. the classic walkthrough: one line reaches all three clients', async () => {
    const [a, b, c] = [await connectAs('walk-a'), await connectAs('walk-b'), await connectAs('walk-c')];

    a.send('{"action":"sendMessage","data":"hello world"}');

    for (const client of [a, b, c]) {
      await client.next((f) => f['type'] === 'message' && f['text'] === 'hello world');
    }
    expect(messages(b).find((m) => m['text'] === 'hello world')).toMatchObject({
      room: 'lobby',
      from: { userId: 'walk-a' },
    });
  });

  it('2. a separate process posts to a connection through the AWS SDK and the client gets exactly those bytes', async () => {
    // The test posts bytes of its own through @connections, not roomcast frames: nothing to check them against.
    const client = await openClient(`${stack().wsUrl}?token=${await tokenFor('pushed')}`, {
      unchecked: true,
    });
    clients.push(client);
    const me = await ask(client, { action: 'whoami' });
    const payload = 'from a backend: {"kind":"notice"} ✓';
    const script = `
      import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
      const client = new ApiGatewayManagementApiClient({ endpoint: process.env.ENDPOINT, region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      await client.send(new PostToConnectionCommand({ ConnectionId: process.env.CONNECTION_ID, Data: new TextEncoder().encode(process.env.PAYLOAD) }));`;
    await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: {
        PATH: process.env['PATH'],
        ENDPOINT: me['endpoint'] as string,
        CONNECTION_ID: me['connectionId'] as string,
        PAYLOAD: payload,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    await waitFor(() => client.raw.includes(payload));
    expect(me['endpoint']).toBe(stack().managementEndpoint);
  });

  it('3. a server-side broadcast reaches the live members and cleans up the ones that vanished', async () => {
    const members = await Promise.all(Array.from({ length: 6 }, (_, i) => connectAs(`town-${i}`)));
    for (const member of members) await ask(member, { action: 'join', room: 'town' });
    const ids = await Promise.all(
      members.map(async (m) => (await ask(m, { action: 'whoami' }))['connectionId'] as string),
    );
    // Two clients vanish without a close: no $disconnect, their records stay behind.
    for (const id of ids.slice(0, 2)) stack().gateway.dropAbruptly(id);

    const client = createDocumentClient({
      endpoint: stack().dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const pool = new ManagementClientPool({
      region: LOCAL_REGION,
      maxSockets: 8,
      credentials: LOCAL_CREDENTIALS,
    });
    const config = { client, tableName: stack().tableName, clock: new SystemClock() };
    const chat = createChat(
      {
        connections: new DynamoDbConnectionRegistry(config),
        memberships: new DynamoDbRoomMembership(config),
        messages: new DynamoDbMessageLog(config),
        notifier: new ManagementApiNotifier({ client: pool.clientFor(stack().managementEndpoint) }),
        clock: new SystemClock(),
        ids: new RandomIds(),
        logger: new RecordingLogger(),
      },
      // These clients connected moments ago; the test is about stale ones, so no handshake grace.
      chatPolicy({ handshakeGraceMs: 0 }),
    );

    const report = await chat.fanOut.toRoom('town', {
      type: 'typing',
      room: 'town',
      user: { userId: 'system', displayName: 'System' },
      isTyping: false,
    });

    expect(report).toMatchObject({ recipients: 6, delivered: 4, gone: 2, failed: 0 });
    for (const member of members.slice(2))
      await member.next((f) => f['type'] === 'typing' && f['room'] === 'town');
    const { Items } = await client.send(
      new QueryCommand({
        TableName: stack().tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'ROOM#town' },
      }),
    );
    expect((Items ?? []).map((item) => item['connectionId']).sort()).toEqual(ids.slice(2).sort());
    pool.destroy();
    client.destroy();
  });

  it('4. direct messages across two devices each, history after a reconnect, presence as devices come and go', async () => {
    const ann1 = await connectAs('ann', 'Ann');
    const ann2 = await connectAs('ann', 'Ann');
    const ben1 = await connectAs('ben', 'Ben');
    const ben2 = await connectAs('ben', 'Ben');

    const ack1 = await ask(ann1, { action: 'sendDirect', to: 'ben', text: 'hi Ben', clientMsgId: 'dm-1' });
    const ack2 = await ask(ben2, { action: 'sendDirect', to: 'ann', text: 'hi Ann', clientMsgId: 'dm-2' });
    expect([ack1['seq'], ack2['seq']]).toEqual([1, 2]);
    for (const device of [ben1, ben2, ann2])
      await device.next((f) => f['type'] === 'direct' && f['text'] === 'hi Ben');
    for (const device of [ann1, ann2, ben1])
      await device.next((f) => f['type'] === 'direct' && f['text'] === 'hi Ann');
    expect(messages(ann1, 'direct').filter((m) => m['text'] === 'hi Ben')).toEqual([]);

    // Presence in a shared room, one entry per user whatever the number of devices.
    for (const device of [ann1, ann2, ben1, ben2]) await ask(device, { action: 'join', room: 'pair' });
    let presence = await ask(ann1, { action: 'presence', room: 'pair' });
    expect(presence['members']).toEqual([
      { userId: 'ann', displayName: 'Ann', connections: 2, status: 'available' },
      { userId: 'ben', displayName: 'Ben', connections: 2, status: 'available' },
    ]);
    // $disconnect runs after the close, as in AWS: wait until presence reflects it.
    const benIn = async (connections: number) => {
      const snapshot = await ask(ann1, { action: 'presence', room: 'pair' });
      const ben = (snapshot['members'] as { userId: string; connections: number }[]).find(
        (m) => m.userId === 'ben',
      );
      return (ben?.connections ?? 0) === connections;
    };
    await ben1.close();
    await waitFor(() => benIn(1), 5_000, 'presence with one device of Ben');
    await ben2.close();
    await ann1.next((f) => f['type'] === 'member_left' && f['room'] === 'pair');
    presence = await ask(ann1, { action: 'presence', room: 'pair' });
    expect(presence['members']).toEqual([
      { userId: 'ann', displayName: 'Ann', connections: 2, status: 'available' },
    ]);

    // Ben comes back on a new connection and catches up: the conversation, then the room since a sequence.
    await ask(ann1, { action: 'sendMessage', room: 'pair', text: 'one' });
    await ask(ann1, { action: 'sendMessage', room: 'pair', text: 'two' });
    const ben3 = await connectAs('ben', 'Ben');
    const history = await ask(ben3, { action: 'history', with: 'ann' });
    expect((history['messages'] as { text: string }[]).map((m) => m.text)).toEqual(['hi Ben', 'hi Ann']);
    const joined = await ask(ben3, { action: 'join', room: 'pair', since: 1 });
    expect((joined['missed'] as { seq: number; text: string }[]).map((m) => [m.seq, m.text])).toEqual([
      [2, 'two'],
    ]);
    await ann1.next(
      (f) =>
        f['type'] === 'member_joined' &&
        f['room'] === 'pair' &&
        (f['user'] as { userId: string }).userId === 'ben',
    );
  });

  it('5. an idle connection is closed after 10 minutes; one that pings stays', async () => {
    const quiet = await connectAs('quiet');
    const chatty = await connectAs('chatty');
    for (let i = 0; i < 3; i += 1) {
      scheduler.advance(9 * 60_000);
      await ask(chatty, { action: 'ping' });
    }
    expect(await quiet.closed).toMatchObject({ code: 1001 });
    expect(chatty.ws.readyState).toBe(1);
  });
});
