// Local stack: the web server alone (no browser, no DynamoDB): the page and its bundle, the
// configuration the page reads, dev tokens, and routes added by other parts of the stack.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDevKeys } from '../../src/local/dev-keys.js';
import { startWebServer, type WebServer } from '../../src/local/web-server.js';

let tokenMode: WebServer;
let anonymous: WebServer;

beforeAll(async () => {
  const keys = createDevKeys();
  [tokenMode, anonymous] = await Promise.all([
    startWebServer({
      keys,
      wsUrl: 'ws://localhost:4001/local',
      anonymous: false,
      extraRoutes: (request, response) => {
        if (!request.url?.startsWith('/api/')) return false;
        response.writeHead(202).end('from the extra route');
        return true;
      },
    }),
    startWebServer({ keys, wsUrl: 'ws://localhost:4002/local', anonymous: true, lobby: null }),
  ]);
});

afterAll(async () => {
  await Promise.all([tokenMode?.stop(), anonymous?.stop()]);
});

const get = (server: WebServer, path: string) => fetch(`${server.url}${path}`);

describe('the web server', () => {
  it('tells the page where the WebSocket is, whether tokens are needed and which room is the lobby', async () => {
    expect(await (await get(tokenMode, '/config.json')).json()).toEqual({
      wsUrl: 'ws://localhost:4001/local',
      anonymous: false,
      lobby: 'lobby',
    });
    expect(await (await get(anonymous, '/config.json')).json()).toEqual({
      wsUrl: 'ws://localhost:4002/local',
      anonymous: true,
      lobby: null,
    });
  });

  it('serves the page, its styles and a small bundled script, with a content security policy', async () => {
    const page = await get(tokenMode, '/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).toContain('<label for="name">Your name</label>');

    const css = await get(tokenMode, '/app.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');

    const script = await get(tokenMode, '/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await script.text();
    expect(code).toContain('sourceMappingURL=app.js.map');
    // Nothing server-side is bundled: no Node built-ins, no AWS SDK.
    expect(code).not.toMatch(/node:|@aws-sdk|process\.env/);
    expect(code.length).toBeLessThan(60_000);
    expect((await get(tokenMode, '/app.js.map')).status).toBe(200);
  });

  it('hands out dev tokens for valid user ids, as before', async () => {
    const response = await get(tokenMode, '/dev/token?user=ada&name=Ada%20Lovelace');
    const { token } = (await response.json()) as { token: string };
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    expect(payload).toMatchObject({ sub: 'ada', name: 'Ada Lovelace' });
    expect((await get(tokenMode, '/dev/token?user=bad%23id')).status).toBe(400);
  });

  it('lets extra routes answer first, and answers 404 in JSON for anything unknown', async () => {
    const extra = await get(tokenMode, '/api/rooms');
    expect(extra.status).toBe(202);
    expect(await extra.text()).toBe('from the extra route');
    const missing = await get(tokenMode, '/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
