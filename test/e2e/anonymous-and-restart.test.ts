// End to end: the local stack in anonymous mode (as in the classic walkthroughs), and DATA_DIR keeping
// DynamoDB Local's data across a restart of the stack.

import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useDevStack } from '../support/dev-stack-suite.js';
import { openClient, type TestClient } from '../support/ws-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'roomcast-data-'));
const clients: TestClient[] = [];
const stack = useDevStack(
  { anonymous: true, dataDir },
  { beforeStop: () => clients.forEach((c) => c.ws.terminate()) },
);

// Registered after the stack's own afterAll, so it runs once the stack has stopped.
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(url: string): Promise<TestClient> {
  const client = await openClient(url);
  clients.push(client);
  return client;
}

it('1. the classic walkthrough in anonymous mode: no token, names from ?name=, all three receive', async () => {
  const { wsUrl } = stack();
  const [a, b, c] = [await open(`${wsUrl}?name=Ada`), await open(`${wsUrl}?name=Bo`), await open(wsUrl)];

  a.send('{"action":"sendMessage","data":"hello world"}');

  for (const client of [a, b, c]) {
    const message = await client.next((f) => f['type'] === 'message' && f['text'] === 'hello world');
    expect(message).toMatchObject({ room: 'lobby', from: { displayName: 'Ada' } });
  }
}, 60_000);

it('keeps the data across a restart when DATA_DIR is set', async () => {
  const { wsUrl } = await stack.restart();
  const late = await open(`${wsUrl}?name=Late`);
  late.send({ action: 'history', room: 'lobby', requestId: 'h' });
  const history = await late.next((f) => f['requestId'] === 'h');
  expect((history['messages'] as { text: string }[]).map((m) => m.text)).toContain('hello world');
}, 60_000);
