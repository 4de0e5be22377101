// Browser: the chat page `make dev` serves, driven in Debian's Chromium through playwright-core against
// the whole local stack. Two users in two browser contexts chat in a room, send a direct message, see
// typing and presence, and the page shows the reconnect when the emulator drops a connection; on an
// anonymous stack the page signs in without a token.

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { DevStackOptions } from '../../src/local/dev-stack.js';
import { CHROMIUM_FLAGS, useChromium } from '../support/chromium.js';
import { useDevStack, type DevStackHandle } from '../support/dev-stack-suite.js';
import { waitFor } from '../support/ws-client.js';

const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../artifacts/browser');
const { executablePath, suite } = useChromium();

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (executablePath === undefined) return;
  browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** A dev stack for the enclosing describe; the pages opened on it close before it stops. */
function useStack(options: DevStackOptions): DevStackHandle {
  return useDevStack(options, {
    skip: executablePath === undefined,
    beforeStop: async () => {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    },
  });
}

/** Opens the page in a fresh browser context, signs in with a name and waits for "Connected". */
async function signIn(
  stack: DevStackHandle,
  name: string,
): Promise<{ page: Page; connectionId: string; sockets: string[]; requests: string[] }> {
  const before = new Set(stack().gateway.connectionIds());
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  // What the page asked for: the WebSocket URLs it opened and every HTTP request it made.
  const sockets: string[] = [];
  const requests: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(stack().web.url);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Your name').press('Enter');
  await page.locator('#status[data-state="open"]').waitFor();
  const connectionId = stack()
    .gateway.connectionIds()
    .find((id) => !before.has(id));
  if (connectionId === undefined) throw new Error(`no new connection for ${name}`);
  return { page, connectionId, sockets, requests };
}

async function joinRoom(page: Page, room: string): Promise<void> {
  await page.getByLabel('Join a room').fill(room);
  await page.getByLabel('Join a room').press('Enter');
  await page.locator('#conversation-title', { hasText: `#${room}` }).waitFor();
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

const messageTexts = (page: Page) => page.locator('#messages .message .text').allTextContents();
const memberNames = (page: Page) => page.locator('#members .member .name').allTextContents();

suite('the chat page in Chromium', () => {
  const stack = useStack({});

  it('lets two users chat, write directly, see typing, presence and the reconnect indicator', async () => {
    const ada = await signIn(stack, 'Ada');
    expect(await ada.page.locator('#status').textContent()).toBe('Connected');
    await joinRoom(ada.page, 'general');
    const bob = await signIn(stack, 'Bob');
    await joinRoom(bob.page, 'general');

    // Presence: each sees the other in the room.
    await ada.page.locator('#members .member', { hasText: 'Bob' }).waitFor();
    // Bob's own reply to join may render after Ada hears of him: wait for it before reading his list.
    await bob.page.locator('#members .member', { hasText: 'Ada' }).waitFor();
    expect(await memberNames(bob.page)).toEqual(['Ada', 'Bob (you)']);

    // Room messages both ways, each shown once, in the same order on both pages.
    await say(ada.page, 'Hello Bob!');
    await bob.page.locator('#messages .message', { hasText: 'Hello Bob!' }).waitFor();
    await say(bob.page, 'Hi Ada, good to see you.');
    await ada.page.locator('#messages .message', { hasText: 'good to see you' }).waitFor();
    expect(await messageTexts(ada.page)).toEqual(['Hello Bob!', 'Hi Ada, good to see you.']);
    await bob.page.locator('#messages .message.mine', { hasText: 'good to see you' }).waitFor();
    expect(await messageTexts(bob.page)).toEqual(await messageTexts(ada.page));
    expect(await ada.page.locator('#messages .message.mine .text').allTextContents()).toEqual(['Hello Bob!']);

    // Typing indicator.
    await bob.page.getByLabel('Message', { exact: true }).pressSequentially('writ');
    await ada.page.locator('#typing', { hasText: 'Bob is typing…' }).waitFor();

    // A direct message from the members list: Bob sees a new conversation with an unread badge.
    await ada.page.getByRole('button', { name: 'Message Bob' }).click();
    await ada.page.locator('#conversation-title', { hasText: 'Bob' }).waitFor();
    await say(ada.page, 'Psst, lunch at noon?');
    await ada.page.locator('#messages .message.mine', { hasText: 'lunch at noon' }).waitFor();
    const dm = bob.page.locator('#directs button', { hasText: 'Ada' });
    await dm.locator('.badge', { hasText: '1' }).waitFor();
    await dm.click();
    expect(await messageTexts(bob.page)).toEqual(['Psst, lunch at noon?']);
    await say(bob.page, 'Sure!');
    await ada.page.locator('#messages .message', { hasText: 'Sure!' }).waitFor();

    // Back in the room for the screenshot.
    await ada.page.locator('#rooms button', { hasText: '#general' }).click();
    mkdirSync(ARTIFACTS, { recursive: true });
    await ada.page.screenshot({ path: join(ARTIFACTS, 'chat.png') });

    // The emulator cuts Ada's connection: the page shows that it is reconnecting, then recovers and
    // catches up on what Bob said meanwhile, once.
    // Every state the badge goes through is recorded in the page (the test's tsconfig has no DOM
    // types, hence a script string).
    await ada.page.evaluate(`(() => {
      const status = document.getElementById('status');
      window.seenStates = [];
      new MutationObserver(() => window.seenStates.push(status.dataset.state)).observe(status, {
        attributes: true,
        attributeFilter: ['data-state'],
      });
    })()`);
    expect(stack().gateway.dropAbruptly(ada.connectionId)).toBe(true);
    await ada.page.locator('#banner').waitFor({ state: 'visible' });
    await bob.page.locator('#rooms button', { hasText: '#general' }).click();
    await say(bob.page, 'Did you get this while away?');
    await ada.page.locator('#status[data-state="open"]').waitFor();
    await ada.page.locator('#messages .message', { hasText: 'while away' }).waitFor();
    expect(await ada.page.locator('#banner').isHidden()).toBe(true);
    expect(await ada.page.evaluate('window.seenStates')).toEqual(['reconnecting', 'open']);
    expect(await messageTexts(ada.page)).toEqual([
      'Hello Bob!',
      'Hi Ada, good to see you.',
      'Did you get this while away?',
    ]);

    // Bob closes his page: he leaves Ada's member list.
    await bob.page.close();
    await waitFor(async () => (await memberNames(ada.page)).join() === 'Ada (you)', 10_000, 'Bob to leave');
  }, 45_000);

  it('shows occupancy and statuses, lets a user edit and delete their own messages and others react, and drops a room the user is banned from', async () => {
    const cyd = await signIn(stack, 'Cyd');
    await joinRoom(cyd.page, 'edits');
    const dan = await signIn(stack, 'Dan');
    await joinRoom(dan.page, 'edits');
    // Dan joined second: his join's counts show both of them.
    await dan.page.locator('#occupancy', { hasText: '2 people here · 2 connections' }).waitFor();
    // Cyd sets a status with words: Dan's member list shows them.
    await cyd.page.getByLabel('Your status').selectOption('busy');
    await cyd.page.getByLabel('Status text').fill('in a meeting');
    await cyd.page.getByRole('button', { name: 'Set status' }).click();
    await dan.page
      .locator('#members .member[data-user="cyd"] .status.busy', { hasText: 'in a meeting' })
      .waitFor();
    await say(cyd.page, 'helo wrold');
    await dan.page.locator('#messages .message', { hasText: 'helo wrold' }).waitFor();
    // Only one's own messages offer the actions.
    expect(await dan.page.locator('#messages .own-actions').count()).toBe(0);

    await cyd.page.locator('#messages .message', { hasText: 'helo wrold' }).locator('button.edit').click();
    expect(await cyd.page.getByLabel('Message', { exact: true }).inputValue()).toBe('helo wrold');
    await say(cyd.page, 'hello world');
    for (const user of [cyd, dan]) {
      await user.page
        .locator('#messages .message', { hasText: '(edited)' })
        .filter({ hasText: 'hello world' })
        .waitFor();
    }

    // Dan reacts: his page shows it as his at once; Cyd's gets the room's summary a moment later.
    await dan.page
      .locator('#messages .message', { hasText: 'hello world' })
      .getByRole('button', { name: 'React 👍' })
      .click();
    await dan.page.getByRole('button', { name: '👍 1, yours', pressed: true }).waitFor();
    await cyd.page.getByRole('button', { name: '👍 1', exact: true, pressed: false }).waitFor();
    // Cyd adds the same one: both pages count two, each marking only its own.
    await cyd.page.getByRole('button', { name: '👍 1', exact: true }).click();
    await cyd.page.getByRole('button', { name: '👍 2, yours', pressed: true }).waitFor();
    await dan.page.getByRole('button', { name: '👍 2, yours', pressed: true }).waitFor();
    // Taking it back.
    await dan.page.getByRole('button', { name: '👍 2, yours' }).click();
    await dan.page.getByRole('button', { name: '👍 1', exact: true, pressed: false }).waitFor();

    await cyd.page.locator('#messages .message', { hasText: 'hello world' }).locator('button.delete').click();
    for (const user of [cyd, dan]) {
      await user.page.locator('#messages .text.deleted', { hasText: 'This message was deleted' }).waitFor();
      expect(await messageTexts(user.page)).not.toContain('hello world');
    }

    // A backend bans Dan from the room: his page drops it and says why.
    const banned = await fetch(`${stack().apiUrl}/rooms/edits/bans/dan`, { method: 'PUT' });
    expect(banned.status).toBe(200);
    await dan.page.locator('#notice', { hasText: 'taken out of #edits and may not join it again' }).waitFor();
    expect(await dan.page.locator('#rooms').textContent()).not.toContain('#edits');
  }, 40_000);

  it('signs in with a dev token', async () => {
    const config = (await (await fetch(`${stack().web.url}/config.json`)).json()) as Record<string, unknown>;
    expect(config).toEqual({ wsUrl: stack().wsUrl, anonymous: false, lobby: 'lobby' });
    const ada = await signIn(stack, 'Ada');
    expect(ada.requests.some((url) => new URL(url).pathname === '/dev/token')).toBe(true);
    expect(ada.sockets.map((url) => new URL(url).searchParams.has('token'))).toEqual([true]);
  });
});

suite('the chat page in Chromium, anonymous mode', () => {
  const stack = useStack({ anonymous: true });

  it('works without a token: names from the page, identities made up by the service', async () => {
    const config = (await (await fetch(`${stack().web.url}/config.json`)).json()) as Record<string, unknown>;
    expect(config).toEqual({ wsUrl: stack().wsUrl, anonymous: true, lobby: 'lobby' });

    const ada = await signIn(stack, 'Ada');
    const bob = await signIn(stack, 'Bob');
    for (const [user, name] of [
      [ada, 'Ada'],
      [bob, 'Bob'],
    ] as const) {
      // No token asked for or sent: the display name goes in the query, as anonymous mode reads it.
      expect(user.requests.filter((url) => new URL(url).pathname === '/dev/token')).toEqual([]);
      expect(
        user.sockets.map((url) => {
          const query = new URL(url).searchParams;
          return { token: query.has('token'), name: query.get('name') };
        }),
      ).toEqual([{ token: false, name }]);
    }

    await joinRoom(ada.page, 'general');
    await joinRoom(bob.page, 'general');
    await ada.page.locator('#members .member', { hasText: 'Bob' }).waitFor();
    // Bob's own reply to join may render after Ada hears of him: wait for it before reading his list.
    await bob.page.locator('#members .member', { hasText: 'Ada' }).waitFor();
    expect(await memberNames(bob.page)).toEqual(['Ada', 'Bob (you)']);
    await say(ada.page, 'Hello from nowhere');
    await bob.page.locator('#messages .message', { hasText: 'Hello from nowhere' }).waitFor();
    expect(await messageTexts(bob.page)).toEqual(['Hello from nowhere']);
  }, 45_000);
});
