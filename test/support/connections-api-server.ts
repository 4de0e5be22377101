// Test support: the local @connections API on a loopback port, over an in-memory directory of
// connections with fault injection (throttling, server errors).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  handleManagementRequest,
  type ConnectionDirectory,
  type ConnectionInfo,
} from '../../src/local/management-api.js';

export class TestConnectionDirectory implements ConnectionDirectory {
  private readonly open = new Map<string, { info: ConnectionInfo; frames: string[] }>();
  /** Answers 429 to this many posts before accepting again. */
  throttleNext = 0;
  /** Answers 500 to this many requests. */
  failNext = 0;
  requests = 0;

  connect(connectionId: string): void {
    this.open.set(connectionId, {
      info: { connectedAt: Date.now(), lastActiveAt: Date.now(), sourceIp: '127.0.0.1' },
      frames: [],
    });
  }

  frames(connectionId: string): string[] {
    return [...(this.open.get(connectionId)?.frames ?? [])];
  }

  send(connectionId: string, data: Buffer): 'sent' | 'gone' | 'throttled' {
    this.requests += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('injected failure');
    }
    const connection = this.open.get(connectionId);
    if (connection === undefined) return 'gone';
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      return 'throttled';
    }
    connection.frames.push(data.toString('utf8'));
    return 'sent';
  }

  close(connectionId: string): boolean {
    return this.open.delete(connectionId);
  }

  info(connectionId: string): ConnectionInfo | undefined {
    return this.open.get(connectionId)?.info;
  }
}

export interface ConnectionsApiServer {
  readonly directory: TestConnectionDirectory;
  /** `http://127.0.0.1:<port>/<stage>` */
  readonly endpoint: string;
  readonly origin: string;
  /** TCP connections accepted so far: shows whether clients keep sockets alive. */
  sockets(): number;
  stop(): Promise<void>;
}

export async function startConnectionsApi(stage = 'local'): Promise<ConnectionsApiServer> {
  const directory = new TestConnectionDirectory();
  const server: Server = createServer((request, response) => {
    if (!handleManagementRequest(request, response, { directory, stage })) {
      // What API Gateway answers for a path that matches no route on the execute-api domain.
      response.writeHead(403, {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'ForbiddenException',
      });
      response.end('{"message":"Forbidden"}');
    }
  });
  let sockets = 0;
  server.on('connection', () => (sockets += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    directory,
    origin,
    endpoint: `${origin}/${stage}`,
    sockets: () => sockets,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
