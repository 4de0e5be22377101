// End to end: every IAM grant proven by the calls the code makes. The local stack runs the real handlers
// with every AWS SDK call recorded as the IAM action and resource it needs, by function; one session
// drives every WebSocket route, every backend HTTP route, the fan-out worker and the removal of gone
// connections on each path that meets them. Each call must be allowed by its function's inline policy
// in the plan of examples/prod.tfvars, and the grants no call used go to reports/iam-grants.json, each
// with its reason in docs/operations.md ("IAM grants and why").

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDocumentClient, DynamoDbConnectionRegistry } from '../../src/adapters/dynamodb/index.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { isCountedConnection } from '../../src/domain/fan-out/shard-plan.js';
import { ROUTE_TABLE } from '../../src/handlers/route-table.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { EXISTING_PROD, existingProdStack, type PlannedStack } from '../infra/support/stacks.js';
import { PLAN_TIMEOUT, terraformSuite } from '../infra/support/suite.js';
import { locateToolchain } from '../infra/support/toolchain.js';
import { REPOSITORY_ROOT } from '../infra/support/workspace.js';
import { AwsCallRecorder } from '../support/aws-call-recorder.js';
import { callApi } from '../support/backend-api.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import {
  callsOnArns,
  deniedCalls,
  grantLabel,
  plannedGrants,
  unusedGrants,
} from '../support/planned-grants.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

const REPORT = join(REPOSITORY_ROOT, 'reports', 'iam-grants.json');
const OPERATIONS_DOC = join(REPOSITORY_ROOT, 'docs', 'operations.md');

const recorder = new AwsCallRecorder();
const clients: TestClient[] = [];
let registry: DynamoDbConnectionRegistry | undefined;

beforeAll(() => recorder.start());
afterAll(() => recorder.stop());

const stack = useDevStack(
  {
    wrapFunction: recorder.wrap,
    env: {
      // Small numbers, so that a handful of clients crosses every line: rooms and broadcasts handed to
      // workers, follow-up jobs. A room's member count is sampled (one connection in eight counts, for
      // eight): with at most one counted member a room is served inline, with two it goes to workers.
      FAN_OUT_INLINE_MAX: '8',
      MEMBERS_PER_BUCKET: '100',
      MEMBERS_PAGE_SIZE: '2',
      FAN_OUT_DELIVERIES_PER_JOB: '2',
      // Every function of the local stack shares one container: a cached room shape would spare one
      // function a read that its own container on AWS makes.
      ROOM_SHAPE_CACHE_MS: '0',
      // The gone connections here are seconds old: no grace, so every path that meets one removes it.
      HANDSHAKE_GRACE_MS: '0',
    },
  },
  { beforeStop: () => clients.forEach((client) => client.ws.terminate()) },
);

// The plan (two terraform runs when the plan cache is cold) is made while the session runs.
const toolchain = await locateToolchain();
let planning: Promise<PlannedStack> | undefined;
beforeAll(() => {
  if (!toolchain.ready) return;
  planning = existingProdStack();
  // Awaited by the checks; a failure surfaces there, not as an unhandled rejection.
  planning.catch(() => undefined);
});
afterAll(async () => {
  await (await planning?.catch(() => undefined))?.tf.dispose();
});

async function connectAs(user: string): Promise<TestClient> {
  const client = await openClient(`${stack().wsUrl}?token=${stack().tokenFor(user)}`);
  clients.push(client);
  return client;
}

let requests = 0;
/** Sends an action with a fresh requestId and waits for the reply carrying it. */
async function ask(client: TestClient, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const requestId = `iam-${(requests += 1)}`;
  client.send({ ...frame, requestId });
  return client.next((f) => f['requestId'] === requestId, 15_000);
}

async function connectionIdOf(client: TestClient): Promise<string> {
  return (await ask(client, { action: 'whoami' }))['connectionId'] as string;
}

/** The API's status, the answer checked against docs/openapi.json. */
async function api(method: string, path: string, body?: unknown): Promise<number> {
  return (await callApi(stack().apiUrl, method, path, { body })).status;
}

/**
 * A connection of `user` that is (or is not) one of the sampled connections whose joins and leaves move
 * a room's member count: whether a room is served inline follows from that count, and removing a counted
 * membership writes it, so the session picks them to take the same paths on every run. The connections
 * that do not fit are closed, and their `$disconnect`s are over before this returns.
 */
async function connectCounted(user: string, counted: boolean): Promise<TestClient> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const client = await connectAs(user);
    if (isCountedConnection(await connectionIdOf(client)) === counted) return client;
    await client.close();
    await stack().gateway.settled();
  }
  throw new Error(`no ${counted ? '' : 'un'}counted connection in 100 attempts`);
}

/**
 * A counted connection whose client vanished without a close: no `$disconnect`, its records stay, and
 * API Gateway answers 410 to posts to it. It is in the lobby, and in `rooms`.
 */
async function ghost(user: string, rooms: readonly string[] = []): Promise<string> {
  const client = await connectCounted(user, true);
  for (const room of rooms) await ask(client, { action: 'join', room });
  const id = await connectionIdOf(client);
  expect(stack().gateway.dropAbruptly(id)).toBe(true);
  return id;
}

/** Waits until the gone connection's record has been removed by whichever function met it. */
async function purged(connectionId: string): Promise<void> {
  registry ??= new DynamoDbConnectionRegistry({
    client: createDocumentClient({
      endpoint: stack().dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    }),
    tableName: stack().tableName,
    clock: new SystemClock(),
  });
  const connections = registry;
  await waitFor(
    async () => (await connections.find(connectionId)) === undefined,
    15_000,
    `${connectionId} purged`,
  );
}

const received = (client: TestClient, predicate: (frame: Record<string, unknown>) => boolean) =>
  client.next(predicate, 15_000);

/** Keys of the unused grants docs/operations.md must explain: the function and the grant's label. */
const grantKey = (fn: string, label: string) => `${fn}: ${label}`;

describe('IAM grants, proven by the calls the functions make', () => {
  it('records the calls of a session through every route, HTTP route and the fan-out worker', async () => {
    // Rooms of these two and one counted gone connection stay under the inline threshold.
    const a = await connectCounted('iam-a', false);
    const b = await connectCounted('iam-b', false);

    // $connect meets a gone connection while it announces member_joined in the lobby.
    const ghostOfConnect = await ghost('iam-ghost-1');
    const c = await connectAs('iam-c');
    await purged(ghostOfConnect);

    // A broadcast to a service small enough to be served inline meets one.
    const ghostOfBroadcast = await ghost('iam-ghost-2');
    expect(await api('POST', '/broadcast', { text: 'inline notice' })).toBeLessThan(300);
    await purged(ghostOfBroadcast);

    // $disconnect meets one while it announces member_left, and moves the lobby's count.
    const leaving = await connectCounted('iam-leaving', true);
    const ghostOfDisconnect = await ghost('iam-ghost-3');
    await leaving.close();
    await purged(ghostOfDisconnect);

    // Every message route, with an inline room fan-out meeting a gone connection.
    expect(await ask(a, { action: 'ping' })).toMatchObject({ type: 'pong' });
    // Unknown on purpose, so sent unchecked.
    a.sendRaw({ action: 'no-such-action', requestId: 'iam-unknown' });
    expect(await a.next((f) => f['requestId'] === 'iam-unknown', 15_000)).toMatchObject({ type: 'error' });
    for (const client of [a, b]) await ask(client, { action: 'join', room: 'iam-small' });
    const ghostOfMessage = await ghost('iam-ghost-4', ['iam-small']);
    await ask(a, { action: 'presence', room: 'iam-small' });
    a.send({ action: 'typing', room: 'iam-small' });
    await received(b, (f) => f['type'] === 'typing' && f['room'] === 'iam-small');
    a.send({ action: 'roomReaction', room: 'iam-small', reaction: '👏' });
    await received(b, (f) => f['type'] === 'room_reaction' && f['room'] === 'iam-small');
    expect(await ask(a, { action: 'setStatus', status: 'away', text: 'iam' })).toMatchObject({
      type: 'status',
    });
    await received(b, (f) => f['type'] === 'status_changed' && f['room'] === 'iam-small');
    await ask(a, { action: 'sendMessage', room: 'iam-small', text: 'small room', clientMsgId: 'iam-m1' });
    await received(b, (f) => f['type'] === 'message' && f['text'] === 'small room');
    await purged(ghostOfMessage);
    await ask(a, { action: 'history', room: 'iam-small' });
    await ask(a, { action: 'sendDirect', to: 'iam-b', text: 'direct', clientMsgId: 'iam-d1' });
    await received(b, (f) => f['type'] === 'direct' && f['text'] === 'direct');
    await ask(b, { action: 'history', with: 'iam-a' });
    expect(await ask(b, { action: 'markRead', with: 'iam-a', seq: 1 })).toMatchObject({
      type: 'read_marker',
    });
    expect(await ask(b, { action: 'unread' })).toMatchObject({ type: 'unread' });
    await ask(b, { action: 'leave', room: 'iam-small' });
    await ask(b, { action: 'join', room: 'iam-small', since: 0 });
    const typo = await ask(a, {
      action: 'sendMessage',
      room: 'iam-small',
      text: 'typo',
      clientMsgId: 'iam-m3',
    });
    const edit = { room: 'iam-small', seq: typo['seq'] };
    expect(await ask(a, { action: 'editMessage', ...edit, text: 'fixed' })).toMatchObject({
      type: 'message_updated',
    });
    // A reaction: answered at once, summarised to the room by the worker once its window has passed.
    expect(await ask(b, { action: 'react', ...edit, reaction: '👍' })).toMatchObject({
      type: 'reactions_updated',
    });
    await received(a, (f) => f['type'] === 'reactions_updated' && f['requestId'] === undefined);
    expect(await ask(a, { action: 'deleteMessage', ...edit })).toMatchObject({ type: 'message_deleted' });

    // A room past the inline threshold (two counted members and more) goes to the fan-out worker,
    // which meets a gone connection; its one bucket takes follow-up jobs.
    const [d, e] = [await connectAs('iam-d'), await connectAs('iam-e')];
    const counted = [await connectCounted('iam-k1', true), await connectCounted('iam-k2', true)];
    const live = [a, b, c, d, e, ...counted];
    for (const client of live) await ask(client, { action: 'join', room: 'iam-big' });
    const ghostOfWorker = await ghost('iam-ghost-5', ['iam-big']);
    await ask(a, { action: 'sendMessage', room: 'iam-big', text: 'big room', clientMsgId: 'iam-m2' });
    for (const client of live)
      await received(client, (f) => f['type'] === 'message' && f['text'] === 'big room');
    await purged(ghostOfWorker);

    // The backend API: publish to a small room (meeting a gone connection) and to a large one.
    await ask(a, { action: 'join', room: 'iam-small-2' });
    const ghostOfPublish = await ghost('iam-ghost-6', ['iam-small-2']);
    expect(await api('POST', '/rooms/iam-small-2/messages', { text: 'to a small room' })).toBe(201);
    await received(a, (f) => f['type'] === 'message' && f['text'] === 'to a small room');
    await purged(ghostOfPublish);
    expect(await api('POST', '/rooms/iam-big/messages', { text: 'to a large room' })).toBe(201);
    for (const client of live) {
      await received(client, (f) => f['type'] === 'message' && f['text'] === 'to a large room');
    }

    // Moderation: in the large room (through the workers) and in a small one meeting gone connections.
    expect(await api('PATCH', '/rooms/iam-big/messages/1', { text: 'big room, edited' })).toBe(200);
    expect(await api('DELETE', '/rooms/iam-big/messages/1')).toBe(200);
    for (const client of live)
      await received(client, (f) => f['type'] === 'message_deleted' && f['room'] === 'iam-big');
    for (const [method, label] of [
      ['PATCH', 'iam-ghost-8'],
      ['DELETE', 'iam-ghost-9'],
    ] as const) {
      const ghostOfModeration = await ghost(label, ['iam-small-2']);
      expect(
        await api(
          method,
          '/rooms/iam-small-2/messages/1',
          method === 'PATCH' ? { text: 'moderated' } : undefined,
        ),
      ).toBe(200);
      await purged(ghostOfModeration);
    }

    // To a user, one of whose connections is gone.
    const ghostOfUser = await ghost('iam-d');
    expect(await api('POST', '/users/iam-d/messages', { text: 'to a user' })).toBe(201);
    await received(d, (f) => f['text'] === 'to a user');
    await purged(ghostOfUser);

    // A broadcast to more connections than one invocation serves goes to the workers.
    live.push(await connectAs('iam-f'), await connectAs('iam-g'));
    expect(await api('POST', '/broadcast', { text: 'queued notice' })).toBeLessThan(300);
    for (const client of live) await received(client, (f) => f['text'] === 'queued notice');

    expect(await api('GET', '/rooms/iam-big/members')).toBe(200);
    expect(await api('GET', '/rooms/iam-big/messages')).toBe(200);

    // A moderator's token removes a member; a backend bans them (their connection leaves the room and
    // joins are refused) and lifts the ban.
    const moderator = await openClient(
      `${stack().wsUrl}?token=${stack().tokenFor('iam-mod', 'Mod', { 'roomcast:role': 'moderator' })}`,
    );
    clients.push(moderator);
    await ask(moderator, { action: 'join', room: 'iam-small' });
    expect(
      await ask(moderator, { action: 'removeMember', room: 'iam-small', member: 'iam-a' }),
    ).toMatchObject({
      type: 'member_removed',
      connections: 1,
    });
    await ask(a, { action: 'join', room: 'iam-small' });
    expect(await api('PUT', '/rooms/iam-small/bans/iam-a')).toBe(200);
    await received(a, (f) => f['type'] === 'removed' && f['banned'] === true);
    expect(await ask(a, { action: 'join', room: 'iam-small' })).toMatchObject({ code: 'forbidden' });
    expect(await api('DELETE', '/rooms/iam-small/bans/iam-a')).toBe(200);

    // Kicks: a live connection, a gone one, and a user with both.
    expect(await api('DELETE', `/connections/${encodeURIComponent(await connectionIdOf(e))}`)).toBe(204);
    await e.closed;
    const ghostOfKick = await ghost('iam-ghost-7');
    expect(await api('DELETE', `/connections/${encodeURIComponent(ghostOfKick)}`)).toBeLessThan(500);
    await purged(ghostOfKick);
    const ghostOfUserKick = await ghost('iam-c');
    expect(await api('DELETE', '/users/iam-c/connections')).toBeLessThan(300);
    await c.closed;
    await purged(ghostOfUserKick);
    await stack().gateway.settled();

    const uninvoked = Object.keys(ROUTE_TABLE.functions).filter((name) => !recorder.invocations.has(name));
    expect(uninvoked).toEqual([]);
    expect(recorder.calls.length).toBeGreaterThan(0);
  }, 120_000);

  terraformSuite('against the inline policies in the plan of examples/prod.tfvars', () => {
    const arns = () => ({
      tables: new Map([[stack().tableName, EXISTING_PROD.tableArn]]),
      queues: new Map([
        [stack().sqs.queueUrl, EXISTING_PROD.fanOutQueueArn],
        [stack().sqs.deadLetterQueueUrl, EXISTING_PROD.deadLetterQueueArn],
      ]),
      connectionsStage: `${EXISTING_PROD.executionArn}/${EXISTING_PROD.managementEndpoint.split('/').at(-1) ?? ''}`,
    });
    const planned = async (): Promise<PlannedStack> => {
      if (planning === undefined) throw new Error('the plan starts in beforeAll');
      return planning;
    };

    it(
      'allows every call each function made',
      async () => {
        const grants = plannedGrants((await planned()).plan);
        expect(deniedCalls(callsOnArns(recorder.calls, arns()), grants)).toEqual([]);
      },
      PLAN_TIMEOUT,
    );

    it(
      'reports the grants no call used, each with its reason in docs/operations.md',
      async () => {
        const grants = plannedGrants((await planned()).plan);
        const calls = callsOnArns(recorder.calls, arns());
        const unused = unusedGrants(grants, calls).map((grant) => ({ ...grant, label: grantLabel(grant) }));
        await mkdir(join(REPOSITORY_ROOT, 'reports'), { recursive: true });
        await writeFile(REPORT, `${JSON.stringify({ unused, calls }, null, 2)}\n`);

        const explained = explainedGrants(await readFile(OPERATIONS_DOC, 'utf8'));
        const keys = unused.map((grant) => grantKey(grant.fn, grant.label));
        const unexplained = [...new Set(keys)].filter((key) => !explained.has(key));
        expect(unexplained).toEqual([]);
      },
      PLAN_TIMEOUT,
    );
  });
});

/**
 * The keys each row of the table in docs/operations.md's "IAM grants and why" explains: its first cell
 * names grants (their labels) in backticks, its second functions in backticks, or "every function".
 */
function explainedGrants(doc: string): Set<string> {
  const section = /^## IAM grants and why\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(doc)?.[1] ?? '';
  const keys = new Set<string>();
  for (const line of section.split('\n').filter((row) => row.startsWith('|'))) {
    const [actions = '', functions = ''] = line.split('|').slice(1);
    const names = /every function/i.test(functions)
      ? Object.keys(ROUTE_TABLE.functions)
      : [...functions.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
    for (const action of [...actions.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '')) {
      for (const fn of names) keys.add(grantKey(fn, action));
    }
  }
  return keys;
}
