// Local stack: the HTTP server on WEB_PORT, on loopback, answering only requests that name a loopback
// host. Serves the chat page (web/, bundled in memory with esbuild on first request), `GET /config.json`
// (where the page finds the WebSocket, since ports are configurable, and which room is the lobby), and
// dev tokens signed with the local key (`GET /dev/token?user=<id>&name=<display>`).

import { context, type BuildContext } from 'esbuild';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isChatError, parseUserField, type RoomName } from '../domain/index.js';
import { CHAT_SETTINGS } from '../handlers/settings.js';
import type { DevKeys } from './dev-keys.js';
import { hasLoopbackHost, refuseForeignHost } from './loopback-host.js';

export interface WebServerOptions {
  readonly port?: number;
  readonly keys: DevKeys;
  /** The WebSocket URL clients connect to, handed to the page by `/config.json`. */
  readonly wsUrl: string;
  readonly anonymous: boolean;
  /**
   * The room every connection joins, or null for none. Default: LOBBY_ROOM as the functions of this
   * stack read it.
   */
  readonly lobby?: RoomName | null;
  /** Extra routes served before the built-in ones (the backend API). */
  readonly extraRoutes?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

/** The page talks to its own origin and to the WebSocket, which listens on another port. */
const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; base-uri 'none'; form-action 'self'",
};

const STATIC_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
};

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

/**
 * The page's script: web/app.ts and the client SDK in one minified ES module. Built on first request,
 * then rebuilt incrementally on each request, so edits to web/ or src/client show on reload.
 */
class PageBundle {
  private built: BuildContext | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** One build at a time: esbuild contexts do not take concurrent rebuilds. */
  files(): Promise<Map<string, Uint8Array>> {
    const next = this.queue.then(() => this.rebuild());
    this.queue = next.catch(() => undefined);
    return next;
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.built?.dispose();
    this.built = undefined;
  }

  private async rebuild(): Promise<Map<string, Uint8Array>> {
    this.built ??= await context({
      entryPoints: { app: `${WEB_DIR}app.ts` },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      minify: true,
      sourcemap: 'linked',
      write: false,
      outdir: '/',
      tsconfig: `${WEB_DIR}tsconfig.json`,
      logLevel: 'silent',
    });
    const result = await this.built.rebuild();
    return new Map(
      (result.outputFiles ?? []).map((file) => [file.path.replace(/^.*[\\/]/, '/'), file.contents]),
    );
  }
}

async function servePage(pathname: string, response: ServerResponse, bundle: PageBundle): Promise<boolean> {
  const staticFile = STATIC_FILES[pathname];
  if (staticFile !== undefined) {
    const body = await readFile(`${WEB_DIR}${staticFile.file}`);
    response.writeHead(200, { 'Content-Type': staticFile.type, ...PAGE_HEADERS });
    response.end(body);
    return true;
  }
  if (pathname !== '/app.js' && pathname !== '/app.js.map') return false;
  let files: Map<string, Uint8Array>;
  try {
    files = await bundle.files();
  } catch (error) {
    // A syntax error in web/ while developing: say so in the browser's console and here.
    const message = String((error as { message?: unknown }).message ?? error);
    console.error(`web page bundle failed: ${message}`);
    response.writeHead(500, { 'Content-Type': 'text/javascript; charset=utf-8', ...PAGE_HEADERS });
    response.end(`console.error(${JSON.stringify(`The page bundle failed to build:\n${message}`)});`);
    return true;
  }
  const body = files.get(pathname);
  if (body === undefined) return false;
  response.writeHead(200, {
    'Content-Type': pathname.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8',
    ...PAGE_HEADERS,
  });
  response.end(body);
  return true;
}

/** A dev token for a valid user id; the id is checked by the service's own rule. */
function devToken(response: ServerResponse, url: URL, keys: DevKeys): void {
  const user = url.searchParams.get('user') ?? '';
  try {
    parseUserField(user, 'user');
  } catch (error) {
    if (!isChatError(error)) throw error;
    json(response, 400, { error: { code: error.code, message: error.message } });
    return;
  }
  const name = url.searchParams.get('name') ?? user;
  json(response, 200, { token: keys.sign({ sub: user, name }) });
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const bundle = new PageBundle();
  const config = {
    wsUrl: options.wsUrl,
    anonymous: options.anonymous,
    lobby: options.lobby !== undefined ? options.lobby : CHAT_SETTINGS.lobbyRoom.read(process.env),
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      // Before any route: a rebound page must not mint dev tokens or call the API.
      if (!hasLoopbackHost(request)) return refuseForeignHost(request, response);
      if (options.extraRoutes !== undefined && (await options.extraRoutes(request, response))) return;
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.method === 'GET' && url.pathname === '/dev/token') {
        devToken(response, url, options.keys);
        return;
      }
      if (request.method === 'GET' && url.pathname === '/config.json') {
        json(response, 200, config);
        return;
      }
      if (request.method === 'GET' && (await servePage(url.pathname, response, bundle))) return;
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
    // Loopback only, and no option to listen wider: the page hands out dev tokens to whoever asks.
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await bundle.dispose();
    },
  };
}
