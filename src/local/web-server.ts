// Local stack: the HTTP server on WEB_PORT. Hands out dev tokens signed with the local key
// (`GET /dev/token?user=<id>&name=<display>`) and serves the page that shows how to connect.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidUserId } from '../domain/index.js';
import type { DevKeys } from './dev-keys.js';

export interface WebServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly keys: DevKeys;
  /** The WebSocket URL clients connect to, shown on the page. */
  readonly wsUrl: string;
  readonly anonymous: boolean;
  /** Extra routes served before the built-in ones (the web page, the backend API). */
  readonly extraRoutes?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(options: WebServerOptions, origin: string): string {
  const connect = options.anonymous
    ? `npx wscat -c "${options.wsUrl}?name=Alice"`
    : `TOKEN=$(curl -s "${origin}/dev/token?user=alice&amp;name=Alice" | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')\nnpx wscat -c "${options.wsUrl}?token=$TOKEN"`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>roomcast (local)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style></head>
<body>
<h1>roomcast is running locally</h1>
<p>WebSocket: <code>${escapeHtml(options.wsUrl)}</code> (stage <code>local</code>).
Auth: ${options.anonymous ? 'anonymous (no token needed)' : 'dev tokens from <code>/dev/token</code>'}.</p>
<h2>Connect with wscat</h2>
<pre>${connect}</pre>
<p>Then send, for example:</p>
<pre>{"action":"sendMessage","data":"hello world"}
{"action":"join","room":"general"}
{"action":"whoami"}</pre>
<p>The protocol is described in <code>docs/protocol.md</code>.</p>
</body></html>`;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  let origin = '';
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (options.extraRoutes !== undefined && (await options.extraRoutes(request, response))) return;
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.method === 'GET' && url.pathname === '/dev/token') {
        const user = url.searchParams.get('user') ?? '';
        if (!isValidUserId(user)) {
          json(response, 400, {
            error: { code: 'invalid_user', message: 'user must be 1-128 characters, no "#"' },
          });
          return;
        }
        const name = url.searchParams.get('name') ?? user;
        json(response, 200, { token: options.keys.sign({ sub: user, name }) });
        return;
      }
      if (request.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
        response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        response.end(page(options, origin));
        return;
      }
      json(response, 404, {
        error: { code: 'not_found', message: `No route for ${request.method} ${url.pathname}` },
      });
    })().catch((error: unknown) => {
      if (!response.headersSent)
        json(response, 500, { error: { code: 'internal_error', message: String(error) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://localhost:${port}`;
  return {
    url: origin,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
