// Browser: the React bindings in Debian's Chromium through playwright-core. The example app
// (examples/react-chat, under StrictMode, React's development build) is bundled with esbuild and served
// on loopback; two users on the local stack see each other, chat, page history in, see typing, and one
// unmounts the room: the other sees the leave, and no frame for that room reaches the first any more.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RequestLogEntry } from '../../src/local/emulator/gateway-config.js';
import { CHROMIUM_FLAGS, useChromium } from '../support/chromium.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { typeCheck } from '../support/dom-type-check.js';
import { waitFor } from '../support/ws-client.js';

const EXAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/react-chat');
const { executablePath, suite } = useChromium();

/** The example bundled as a user would: React's development build, so StrictMode remounts effects. */
async function bundleExample(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [join(EXAMPLE, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    write: false,
    outdir: '/',
    tsconfig: join(EXAMPLE, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  const script = result.outputFiles.find((file) => file.path.endsWith('main.js'));
  if (script === undefined) throw new Error('esbuild wrote no main.js');
  return script.contents;
}

async function serveExample(): Promise<{ server: Server; url: string }> {
  const files = new Map<string, { body: Uint8Array | Buffer; type: string }>([
    ['/', { body: await readFile(join(EXAMPLE, 'index.html')), type: 'text/html; charset=utf-8' }],
    ['/main.js', { body: await bundleExample(), type: 'text/javascript; charset=utf-8' }],
  ]);
  const server = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    response.writeHead(file === undefined ? 404 : 200, { 'Content-Type': file?.type ?? 'text/plain' });
    response.end(file?.body ?? 'not found');
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

type Frame = Record<string, unknown>;

interface User {
  readonly page: Page;
  readonly connectionId: string;
  /** Every WebSocket the page opened. */
  readonly sockets: string[];
  readonly sent: Frame[];
  readonly received: Frame[];
}

const texts = (page: Page) => page.locator('#messages .message:not(.outgoing) .text').allTextContents();
const members = (page: Page) => page.locator('#members .member').allTextContents();

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
  await page.locator('#messages .message:not(.outgoing)', { hasText: text }).waitFor();
}

/** Records, per clientMsgId, each ack state the page showed (the test's tsconfig has no DOM types). */
const RECORD_STATUSES = `(() => {
  window.statuses = {};
  const record = () => {
    for (const element of document.querySelectorAll('[data-client-msg-id]')) {
      const seen = (window.statuses[element.dataset.clientMsgId] ??= []);
      if (seen.at(-1) !== element.dataset.status) seen.push(element.dataset.status);
    }
  };
  new MutationObserver(record).observe(document.getElementById('messages'), {
    subtree: true,
    childList: true,
    attributes: true,
  });
})()`;

describe('the React example', () => {
  // esbuild strips types without checking them, and the repository's tsconfig has no DOM types.
  it('type-checks against the DOM library and the bindings, as the package names them', () => {
    const { fileNames, problems } = typeCheck(join(EXAMPLE, 'tsconfig.json'));
    expect(fileNames.some((file) => file.endsWith('main.ts'))).toBe(true);
    expect(problems).toEqual([]);
  }, 30_000);
});

suite('the React bindings in Chromium', () => {
  const log: RequestLogEntry[] = [];
  const contexts: BrowserContext[] = [];
  const stack = useDevStack(
    { log: (entry) => log.push(entry) },
    {
      skip: executablePath === undefined,
      beforeStop: async () => {
        for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
      },
    },
  );
  let browser: Browser;
  let example: { server: Server; url: string };

  beforeAll(async () => {
    [browser, example] = await Promise.all([
      chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true }),
      serveExample(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((closed) => example?.server.close(closed));
  });

  /** Opens the example as `user` (one message of recent history, pages of one) and waits for the join. */
  async function open(userId: string, name: string, room = 'general'): Promise<User> {
    const before = new Set(stack().gateway.connectionIds());
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const user = {
      page,
      connectionId: '',
      sockets: [] as string[],
      sent: [] as Frame[],
      received: [] as Frame[],
    };
    page.on('websocket', (socket) => {
      user.sockets.push(socket.url());
      socket.on('framesent', ({ payload }) => user.sent.push(JSON.parse(String(payload)) as Frame));
      socket.on('framereceived', ({ payload }) => user.received.push(JSON.parse(String(payload)) as Frame));
    });
    const query = new URLSearchParams({
      url: stack().wsUrl,
      token: stack().tokenFor(userId, name),
      room,
      recent: '1',
      page: '1',
    });
    await page.goto(`${example.url}?${query}`);
    await page.locator('#status[data-state="open"]').waitFor();
    await page.locator('#room[data-status="joined"]').waitFor();
    await page.evaluate(RECORD_STATUSES);
    const connectionId = stack()
      .gateway.connectionIds()
      .find((id) => !before.has(id));
    if (connectionId === undefined) throw new Error(`no new connection for ${name}`);
    return { ...user, connectionId };
  }

  const aboutGeneral = (frames: Frame[], key: 'action' | 'type'): unknown[] =>
    frames.filter((frame) => frame['room'] === 'general').map((frame) => frame[key]);

  it('shows presence, messages once with their ack state, history pages, typing, and leaves on unmount', async () => {
    const ada = await open('ada', 'Ada');
    for (const text of ['one', 'two', 'three']) await say(ada.page, text);

    const bob = await open('bob', 'Bob');
    // Presence both ways.
    await ada.page.locator('#members .member', { hasText: 'Bob' }).waitFor();
    expect(await members(bob.page)).toEqual(['Ada', 'Bob']);

    // One recent message, then older pages of one until there are no more.
    expect(await texts(bob.page)).toEqual(['three']);
    await bob.page.locator('#older').click();
    await bob.page.locator('#messages .message', { hasText: 'two' }).waitFor();
    await bob.page.locator('#older').click();
    await bob.page.locator('#older').waitFor({ state: 'detached' });
    expect(await texts(bob.page)).toEqual(['one', 'two', 'three']);

    // A message shows once on both pages; the sender saw it pending, then acked.
    await say(bob.page, 'Hello Ada');
    await ada.page.locator('#messages .message', { hasText: 'Hello Ada' }).waitFor();
    expect(await texts(ada.page)).toEqual(['one', 'two', 'three', 'Hello Ada']);
    expect(await texts(bob.page)).toEqual(await texts(ada.page));
    expect(await ada.page.locator('#messages .outgoing').count()).toBe(0);
    const statuses = (user: User) => user.page.evaluate('Object.values(window.statuses)');
    expect(await statuses(bob)).toEqual([['pending', 'acked']]);

    // Typing: three keystrokes, one signal (sending a message said each earlier one stopped).
    const typedFrom = ada.sent.length;
    await ada.page.getByLabel('Message').pressSequentially('wri');
    await bob.page.locator('#typing', { hasText: 'Ada is typing…' }).waitFor();
    expect(ada.sent.slice(typedFrom).filter((frame) => frame['action'] === 'typing')).toEqual([
      { action: 'typing', room: 'general', isTyping: true },
    ]);

    // StrictMode mounted every effect twice: still one connection per page and one join each.
    for (const user of [ada, bob]) {
      expect(user.sockets).toHaveLength(1);
      expect(aboutGeneral(user.sent, 'action').filter((action) => action === 'join')).toEqual(['join']);
    }

    // Ada unmounts the room: she leaves it, and Bob sees her go.
    await ada.page.locator('#toggle', { hasText: 'Leave room' }).click();
    await ada.page.locator('#room').waitFor({ state: 'detached' });
    await waitFor(async () => (await members(bob.page)).join() === 'Bob', 10_000, 'Ada to leave');
    expect(
      aboutGeneral(ada.sent, 'action').filter((action) => action !== 'sendMessage' && action !== 'typing'),
    ).toEqual(['join', 'history', 'leave']);

    // Bob writes while she is away; his send has run its whole fan-out once the emulator logs it.
    const bobSends = () =>
      log.filter((entry) => entry.route === 'sendMessage' && entry.connectionId === bob.connectionId).length;
    const before = bobSends();
    await say(bob.page, 'Are you there?');
    await waitFor(async () => bobSends() > before, 10_000, "Bob's send to finish");

    // Ada opens the room again: the join's reply comes after anything sent to her before it, so the
    // frames between the leave and the new join are all that reached her while she was out.
    await ada.page.locator('#toggle', { hasText: 'Open room' }).click();
    await ada.page.locator('#room[data-status="joined"]').waitFor();
    await ada.page.locator('#messages .message', { hasText: 'Are you there?' }).waitFor();
    const types = aboutGeneral(ada.received, 'type');
    const left = types.indexOf('left');
    const rejoined = types.indexOf('joined', left);
    expect(left).toBeGreaterThan(0);
    expect(types.slice(left + 1, rejoined)).toEqual([]);
    expect(await texts(ada.page)).toEqual(['Are you there?']);
    // The remount was also mounted twice by StrictMode: one more join, no leave and join in between.
    expect(
      aboutGeneral(ada.sent, 'action').filter((action) => action === 'join' || action === 'leave'),
    ).toEqual(['join', 'leave', 'join']);
  }, 45_000);
  it('shows room reactions, unread counts that follow markers and messages, and edits made elsewhere', async () => {
    const cy = await open('cy', 'Cy', 'features');
    const dee = await open('dee', 'Dee', 'features');
    await say(dee.page, 'first news');
    await cy.page.locator('#messages .message', { hasText: 'first news' }).waitFor();

    // A reaction shows at once for its sender and reaches the other page.
    await dee.page.locator('#clap').click();
    for (const user of [cy, dee])
      await user.page.locator('#reactions .reaction', { hasText: 'Dee 👏' }).waitFor();

    // Cy marks the room read; Dee's next message makes it one unread again.
    const unreadOf = (user: User) => user.page.locator('#unread li[data-name="features"]');
    await cy.page.locator('#mark-read').click();
    await cy.page.locator('#unread li[data-name="features"][data-unread="0"]').waitFor();
    await say(dee.page, 'second news');
    await cy.page.locator('#unread li[data-name="features"][data-unread="1"]').waitFor();
    expect(await unreadOf(cy).textContent()).toBe('features: 1');

    // A moderator edits Dee's first message through the backend API: both pages show the new text.
    const first = await dee.page
      .locator('#messages .message', { hasText: 'first news' })
      .getAttribute('data-seq');
    const edited = await fetch(`${stack().apiUrl}/rooms/features/messages/${String(first)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'first news, corrected' }),
    });
    expect(edited.status).toBe(200);
    for (const user of [cy, dee])
      await user.page.locator('#messages .message', { hasText: 'first news, corrected (edited)' }).waitFor();
  }, 45_000);
});
