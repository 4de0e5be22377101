// End to end: the local stack in anonymous mode (as in the classic walkthroughs), and DATA_DIR keeping
// DynamoDB Local's data across a restart of the stack.

import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevStack, type DevStack } from '../../src/local/dev-stack.js';
import { openClient, type TestClient } from '../support/ws-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'roomcast-data-'));
const clients: TestClient[] = [];
let stack: DevStack | undefined;

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(url: string): Promise<TestClient> {
  const client = await openClient(url);
  clients.push(client);
  return client;
}

it('1. the classic walkthrough in anonymous mode: no token, names from ?name=, all three receive', async () => {
  stack = await startDevStack({ wsPort: 0, webPort: 0, anonymous: true, dataDir, handlerLogLevel: 'SILENT' });
  const [a, b, c] = [
    await open(`${stack.wsUrl}?name=Ada`),
    await open(`${stack.wsUrl}?name=Bo`),
    await open(stack.wsUrl),
  ];

  a.send('{"action":"sendMessage","data":"hello world"}');

  for (const client of [a, b, c]) {
    const message = await client.next((f) => f['type'] === 'message' && f['text'] === 'hello world');
    expect(message).toMatchObject({ room: 'lobby', from: { displayName: 'Ada' } });
  }
}, 60_000);

it('keeps the data across a restart when DATA_DIR is set', async () => {
  await stack?.stop();
  stack = await startDevStack({ wsPort: 0, webPort: 0, anonymous: true, dataDir, handlerLogLevel: 'SILENT' });
  const late = await open(`${stack.wsUrl}?name=Late`);
  late.send({ action: 'history', room: 'lobby', requestId: 'h' });
  const history = await late.next((f) => f['requestId'] === 'h');
  expect((history['messages'] as { text: string }[]).map((m) => m.text)).toContain('hello world');
}, 60_000);
