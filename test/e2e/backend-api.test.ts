// End to end: the backend HTTP API (served by `make dev` under /api with payload-2.0 events to the real
// handlers) and the CLI, with real WebSocket clients receiving what they publish.

import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { callApi } from '../support/backend-api.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

const run = promisify(execFile);
const clients: TestClient[] = [];
const stack = useDevStack(
  { env: { HANDSHAKE_GRACE_MS: '0' } },
  // This suite stops DynamoDB Local to see a clean 500: it needs an instance of its own.
  { beforeStop: () => clients.forEach((c) => c.ws.terminate()), ownDynamo: true },
);

async function connectAs(user: string): Promise<TestClient> {
  const client = await openClient(`${stack().wsUrl}?token=${stack().tokenFor(user, user.toUpperCase())}`);
  clients.push(client);
  return client;
}

/** The API, each answer checked against docs/openapi.json. */
function api(method: string, path: string, body?: unknown, raw?: string) {
  return callApi(stack().apiUrl, method, path, { body, ...(raw === undefined ? {} : { raw }) });
}

async function connectionIdOf(client: TestClient): Promise<string> {
  client.send({ action: 'whoami', requestId: 'who' });
  return (await client.next((f) => f['requestId'] === 'who'))['connectionId'] as string;
}

/** Runs the CLI the way a user does, against this stack. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['bin/roomcast.mjs', ...args, '--url', stack().apiUrl],
      {
        env: { PATH: process.env['PATH'], AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the backend HTTP API', () => {
  it('publishes into a room: stored with a sequence number, delivered to every member, once per idempotency key', async () => {
    const [a, b] = [await connectAs('api-a'), await connectAs('api-b')];

    const first = await api('POST', '/rooms/lobby/messages', {
      text: 'Deploy done',
      from: 'CI',
      clientMsgId: 'build-7',
    });
    const retry = await api('POST', '/rooms/lobby/messages', {
      text: 'Deploy done',
      from: 'CI',
      clientMsgId: 'build-7',
    });

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      room: 'lobby',
      seq: expect.any(Number),
      duplicate: false,
      gone: 0,
      failed: 0,
    });
    expect(first.body['delivered']).toBeGreaterThanOrEqual(2);
    expect(retry).toMatchObject({ status: 200, body: { duplicate: true, seq: first.body['seq'] } });
    for (const client of [a, b]) {
      const message = await client.next((f) => f['type'] === 'message' && f['text'] === 'Deploy done');
      expect(message).toMatchObject({ from: { userId: 'system', displayName: 'CI' } });
    }
    expect(a.frames.filter((f) => (f as { text?: string }).text === 'Deploy done')).toHaveLength(1);
  });

  it.each([
    ['malformed JSON', 'POST', '/rooms/lobby/messages', undefined, '{"text":', 400, 'invalid_json'],
    [
      'a body that is not an object',
      'POST',
      '/rooms/lobby/messages',
      [1, 2],
      undefined,
      400,
      'invalid_request',
    ],
    ['a missing text', 'POST', '/rooms/lobby/messages', { from: 'x' }, undefined, 400, 'invalid_request'],
    [
      'an oversize text',
      'POST',
      '/rooms/lobby/messages',
      { text: 'x'.repeat(5_000) },
      undefined,
      413,
      'message_too_large',
    ],
    [
      'an unknown room',
      'POST',
      '/rooms/nobody-here/messages',
      { text: 'hi' },
      undefined,
      404,
      'unknown_room',
    ],
    ['an invalid room name', 'GET', '/rooms/bad%23room/members', undefined, undefined, 400, 'invalid_room'],
    [
      'an invalid history bound',
      'GET',
      '/rooms/lobby/messages?after=-1',
      undefined,
      undefined,
      400,
      'invalid_request',
    ],
    [
      'an unknown connection',
      'DELETE',
      '/connections/AAAAAAAAAAAAAAA%3D',
      undefined,
      undefined,
      404,
      'unknown_connection',
    ],
  ])('answers %s with a typed JSON error', async (_label, method, path, body, raw, status, code) => {
    const response = await api(method as string, path as string, body, raw as string | undefined);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error: { code, message: expect.any(String) } });
  });

  it('answers an unknown path with 404', async () => {
    const outside = await callApi(stack().apiUrl, 'GET', '/nothing', { unchecked: true });
    expect(outside.status).toBe(404);
  });

  it('writes to every connection of a user', async () => {
    const [phone, laptop] = [await connectAs('api-dana'), await connectAs('api-dana')];
    const response = await api('POST', '/users/api-dana/messages', { text: 'Your report is ready' });
    expect(response).toMatchObject({ status: 201, body: { user: 'api-dana', delivered: 2 } });
    for (const device of [phone, laptop]) {
      await device.next((f) => f['type'] === 'direct' && f['text'] === 'Your report is ready');
    }
  });

  it('lists members and pages history', async () => {
    const reader = await connectAs('api-reader');
    reader.send({ action: 'join', room: 'api-room', requestId: 'j' });
    await reader.next((f) => f['requestId'] === 'j');
    for (const text of ['one', 'two', 'three']) await api('POST', '/rooms/api-room/messages', { text });

    const members = await api('GET', '/rooms/api-room/members');
    expect(members.body).toMatchObject({
      room: 'api-room',
      members: [{ userId: 'api-reader', connections: 1 }],
    });
    const page = await api('GET', '/rooms/api-room/messages?after=1&limit=1');
    expect(page.body).toMatchObject({ messages: [{ seq: 2, text: 'two' }], hasMore: true });
  });

  it('moderates: edits and deletes any message of a room, each change reaching the members in order', async () => {
    const [author, reader] = [await connectAs('api-author'), await connectAs('api-watcher')];
    for (const client of [author, reader]) {
      client.send({ action: 'join', room: 'api-moderated', requestId: 'j' });
      await client.next((f) => f['requestId'] === 'j');
    }
    author.send({
      action: 'sendMessage',
      room: 'api-moderated',
      text: 'buy now http://spam',
      requestId: 's',
    });
    await author.next((f) => f['requestId'] === 's');

    const edited = await api('PATCH', '/rooms/api-moderated/messages/1', {
      text: '[link removed]',
      from: 'Mods',
    });
    expect(edited).toMatchObject({
      status: 200,
      body: { type: 'message_updated', seq: 2, target: 1, delivered: 2 },
    });
    await reader.next(
      (f) => f['type'] === 'message_updated' && f['text'] === '[link removed]' && f['target'] === 1,
    );
    const deleted = await api('DELETE', '/rooms/api-moderated/messages/1');
    expect(deleted).toMatchObject({ status: 200, body: { type: 'message_deleted', seq: 3, target: 1 } });
    await reader.next((f) => f['type'] === 'message_deleted' && f['seq'] === 3);

    const page = await api('GET', '/rooms/api-moderated/messages');
    expect(page.body).toMatchObject({
      messages: [{ seq: 1, text: '', deletedAt: expect.any(Number) }, { seq: 2, text: '' }, { seq: 3 }],
    });
    expect(await api('DELETE', '/rooms/api-moderated/messages/1')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect(await api('PATCH', '/rooms/api-moderated/messages/zero', { text: 'x' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: { field: 'seq' } } },
    });
  });

  it('broadcasts to every live connection and cleans up the ones that vanished', async () => {
    const live = await connectAs('api-live');
    const ghost = await connectAs('api-ghost');
    stack().gateway.dropAbruptly(await connectionIdOf(ghost));

    const response = await api('POST', '/broadcast', { text: 'Maintenance at 22:00', from: 'Ops' });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ complete: true, failed: 0 });
    expect(response.body['gone']).toBeGreaterThanOrEqual(1);
    await live.next((f) => f['type'] === 'notice' && f['text'] === 'Maintenance at 22:00');
  });

  it('kicks a connection and a user', async () => {
    const one = await connectAs('api-kicked');
    const two = await connectAs('api-kicked');
    expect(
      (await api('DELETE', `/connections/${encodeURIComponent(await connectionIdOf(one))}`)).status,
    ).toBe(204);
    expect((await one.closed).code).toBe(1000);
    // $disconnect runs after the close; once it has, the user has one connection left.
    await waitFor(
      () => stack().gateway.connectionIds().length === clients.filter((c) => c.ws.readyState === 1).length,
    );
    await stack().gateway.settled();
    expect(await api('DELETE', '/users/api-kicked/connections')).toMatchObject({
      status: 200,
      body: { closed: 1, gone: 0 },
    });
    expect((await two.closed).code).toBe(1000);
  });

  it('applies permission claims of dev tokens, and bans and unbans through the API and the CLI', async () => {
    const asker = (client: TestClient) => {
      let n = 0;
      return (frame: Record<string, unknown>) => {
        const requestId = `p-${(n += 1)}`;
        client.send({ ...frame, requestId });
        return client.next((f) => f['requestId'] === requestId);
      };
    };
    const open = async (user: string, claims: Record<string, unknown>) => {
      const client = await openClient(`${stack().wsUrl}?token=${stack().tokenFor(user, user, claims)}`);
      clients.push(client);
      return client;
    };
    const mod = await open('perm-mod', { 'roomcast:role': 'moderator', 'roomcast:rooms': ['perm-*'] });
    const reader = await open('perm-reader', { 'roomcast:role': 'readonly' });
    const member = await connectAs('perm-member');
    const [modAsk, readerAsk, memberAsk] = [asker(mod), asker(reader), asker(member)];
    for (const ask of [modAsk, readerAsk, memberAsk]) {
      expect(await ask({ action: 'join', room: 'perm-room' })).toMatchObject({ type: 'joined' });
    }
    expect(await modAsk({ action: 'join', room: 'lobby' })).toMatchObject({ code: 'forbidden' });
    const sent = await memberAsk({ action: 'sendMessage', room: 'perm-room', text: 'spam' });
    expect(await readerAsk({ action: 'sendMessage', room: 'perm-room', text: 'hi' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await modAsk({ action: 'deleteMessage', room: 'perm-room', seq: sent['seq'] })).toMatchObject({
      type: 'message_deleted',
      target: sent['seq'],
    });
    expect(await modAsk({ action: 'removeMember', room: 'perm-room', member: 'perm-member' })).toMatchObject({
      type: 'member_removed',
      connections: 1,
    });
    await member.next((f) => f['type'] === 'removed' && f['banned'] === false);
    expect(await memberAsk({ action: 'join', room: 'perm-room' })).toMatchObject({ type: 'joined' });

    expect(await api('PUT', '/rooms/perm-room/bans/perm-member')).toMatchObject({
      status: 200,
      body: { room: 'perm-room', user: 'perm-member', banned: true, removed: 1 },
    });
    await member.next((f) => f['type'] === 'removed' && f['banned'] === true);
    expect(await memberAsk({ action: 'join', room: 'perm-room' })).toMatchObject({ code: 'forbidden' });
    expect(await api('DELETE', '/rooms/perm-room/bans/perm-member')).toMatchObject({
      status: 200,
      body: { banned: false, unbanned: true },
    });
    expect(await memberAsk({ action: 'join', room: 'perm-room' })).toMatchObject({ type: 'joined' });

    expect((await cli('ban', 'perm-room', 'perm-member')).stdout).toContain(
      'Banned perm-member from #perm-room: 1 connection(s) removed from the room',
    );
    expect(await memberAsk({ action: 'join', room: 'perm-room' })).toMatchObject({ code: 'forbidden' });
    expect((await cli('unban', 'perm-room', 'perm-member')).stdout).toContain(
      'Unbanned perm-member from #perm-room',
    );
    expect((await cli('unban', 'perm-room', 'perm-member')).stdout).toContain('was not banned');
    expect((await cli('ban', 'perm-room')).code).toBe(2);
  });
});

describe('the CLI', () => {
  it('publishes, shows members and history, with exit code 0', async () => {
    const member = await connectAs('cli-member');
    member.send({ action: 'join', room: 'cli-room', requestId: 'j' });
    await member.next((f) => f['requestId'] === 'j');

    const published = await cli('publish', 'cli-room', 'hello', 'from', 'the', 'CLI', '--from', 'Shell');
    expect(published).toMatchObject({ code: 0 });
    expect(published.stdout).toMatch(/^Published to #cli-room as seq 1: delivered 1, gone 0, failed 0/);
    await member.next((f) => f['type'] === 'message' && f['text'] === 'hello from the CLI');

    expect((await cli('members', 'cli-room')).stdout).toContain('CLI-MEMBER (cli-member)');
    const history = await cli('history', 'cli-room', '--json');
    expect(JSON.parse(history.stdout)).toMatchObject({ messages: [{ seq: 1, text: 'hello from the CLI' }] });

    const edited = await cli('edit', 'cli-room', '1', 'hello,', 'edited', '--from', 'Shell');
    expect(edited.stdout).toMatch(/^Edited message 1 of #cli-room \(entry 2\): delivered 1/);
    await member.next((f) => f['type'] === 'message_updated' && f['text'] === 'hello, edited');
    expect((await cli('delete', 'cli-room', '1')).stdout).toMatch(
      /^Deleted message 1 of #cli-room \(entry 3\)/,
    );
    await member.next((f) => f['type'] === 'message_deleted' && f['target'] === 1);
    expect((await cli('delete', 'cli-room', '1')).code).toBe(1);
  });

  it('exits 1 when the API refuses, 2 on a usage error, 3 when the API is unreachable', async () => {
    const refused = await cli('publish', 'no-such-room', 'hi');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('404 unknown_room');
    expect((await cli('publish')).code).toBe(2);
    expect((await cli('dance')).code).toBe(2);
    const unreachable = await run(process.execPath, [
      'bin/roomcast.mjs',
      'members',
      'x',
      '--url',
      'http://127.0.0.1:9/api',
    ]).then(
      () => ({ code: 0 }),
      (e: { code: number }) => e,
    );
    expect(unreachable.code).toBe(3);
  });
});

describe('failures', () => {
  it('answers an unexpected failure with a clean 500 carrying the request id', async () => {
    await stack().dynamo.stop();
    const response = await api('GET', '/rooms/lobby/members');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      error: {
        code: 'internal_error',
        message: 'Something went wrong on our side',
        requestId: expect.any(String),
      },
    });
  });
});
