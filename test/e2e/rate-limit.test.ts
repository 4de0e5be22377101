// End to end: a client flooding the stack gets rate_limited frames while other users chat undisturbed.

import { expect, it } from '@jest/globals';
import { useDevStack } from '../support/dev-stack-suite.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

/**
 * Frames of slack on the refill measured here: the limiter reads the wall clock in the stack, this test
 * around the flood, and the wall clock may step between their readings (it is not monotonic).
 */
const CLOCK_MARGIN_FRAMES = 1;

const clients: TestClient[] = [];
const stack = useDevStack(
  { env: { RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_SECOND: '1' } },
  { beforeStop: () => clients.forEach((c) => c.ws.terminate()) },
);

async function connectAs(user: string): Promise<TestClient> {
  const client = await openClient(`${stack().wsUrl}?token=${stack().tokenFor(user)}`);
  clients.push(client);
  return client;
}

it('refuses a flood with rate_limited and keeps delivering for everyone else', async () => {
  const [flood, alice, bob] = [await connectAs('flooder'), await connectAs('alice'), await connectAs('bob')];

  const startedAt = Date.now();
  for (let i = 0; i < 30; i += 1) flood.send({ action: 'ping', requestId: `f${i}` });
  // Only the answers to the flood count: the flooder also hears lobby events (others arriving).
  const answers = () =>
    flood.frames.filter((f) => String((f as { requestId?: unknown }).requestId ?? '').startsWith('f'));
  await waitFor(() => answers().length >= 30, 10_000, 'an answer to every flooded frame');

  const limited = answers().filter((f) => (f as { code?: string }).code === 'rate_limited');
  const pongs = answers().filter((f) => (f as { type?: string }).type === 'pong');
  expect(pongs.length).toBeGreaterThanOrEqual(5);
  // The burst, plus what the bucket refilled (1 per second) while the flood was being served, plus a
  // stated margin: the stack's limiter and this test read the wall clock separately.
  const refilled = Math.ceil((Date.now() - startedAt) / 1000) + CLOCK_MARGIN_FRAMES;
  expect(pongs.length).toBeLessThanOrEqual(5 + refilled);
  expect(limited.length).toBeGreaterThanOrEqual(30 - 5 - refilled);
  expect(limited.length).toBe(30 - pongs.length);
  expect(limited[0]).toMatchObject({
    type: 'error',
    message: expect.any(String),
    details: { retryAfterMs: expect.any(Number) },
  });
  expect(flood.ws.readyState).toBe(1);

  alice.send({ action: 'sendMessage', text: 'still here', requestId: 'a1' });
  await alice.next((f) => f['requestId'] === 'a1' && f['type'] === 'ack');
  await bob.next((f) => f['type'] === 'message' && f['text'] === 'still here');
});
