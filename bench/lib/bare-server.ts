// Bench floor: the least a server can do for the same work, with no service logic. A bare `ws` server
// that answers a sendMessage with an ack and the message to every client (the fan-out), and takes
// `POST /{stage}/@connections/{id}` and writes the body to that socket (the relay). No routing, no
// authorizer, no metering, no limits; no storage either, unless `store` is given: then each message is
// stored (one write) before anything is sent, the least a durable chat does. How a floor reads a sent
// frame and builds the frames it sends is here too, for the other floors.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface BareServer {
  /** `ws://127.0.0.1:{port}/{stage}` */
  readonly url: string;
  /** What the AWS SDK's management client takes as `endpoint`. */
  readonly managementEndpoint: string;
  connectionIds(): string[];
  stop(): Promise<void>;
}

/** What a floor stores of a message. */
export interface FloorMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly text: string;
  readonly sentAt: number;
}

export interface BareServerOptions {
  readonly stage?: string;
  /** Stores a message before its ack and fan-out (the durable floor). */
  readonly store?: (message: FloorMessage) => Promise<void>;
}

/** The text of a `sendMessage` frame, or undefined for any other frame: floors ignore those. */
export function sentText(frame: string): string | undefined {
  let parsed: { action?: unknown; text?: unknown };
  try {
    parsed = JSON.parse(frame) as typeof parsed;
  } catch {
    return undefined;
  }
  return parsed.action === 'sendMessage' && typeof parsed.text === 'string' ? parsed.text : undefined;
}

/** The message a floor stores and sends: its number, a fresh id and the time it was taken. */
export function storedMessage(seq: number, text: string): FloorMessage {
  return { seq, messageId: randomBytes(8).toString('hex'), text, sentAt: Date.now() };
}

/** The same frames the service sends: an ack to the sender, then the message to everyone. */
export function floorFrames(stored: FloorMessage, from: string): { ack: string; message: string } {
  const { seq, messageId, sentAt } = stored;
  return {
    ack: JSON.stringify({ type: 'ack', room: 'lobby', seq, messageId, sentAt, duplicate: false }),
    message: JSON.stringify({
      type: 'message',
      room: 'lobby',
      seq,
      messageId,
      from: { userId: from, displayName: from },
      text: stored.text,
      sentAt,
    }),
  };
}

export async function startBareServer(options: BareServerOptions = {}): Promise<BareServer> {
  const stage = options.stage ?? 'local';
  const sockets = new Map<string, WebSocket>();
  let seq = 0;

  const relay = (request: IncomingMessage, response: ServerResponse): void => {
    const match = /^\/[^/]+\/@connections\/([^/]+)$/.exec(request.url ?? '');
    const socket = match === null ? undefined : sockets.get(decodeURIComponent(match[1] as string));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || socket === undefined) {
        response.writeHead(410).end();
        return;
      }
      socket.send(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200).end();
    });
  };

  const server = createServer(relay);
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    const id = randomBytes(12).toString('base64url').slice(0, 15) + '=';
    sockets.set(id, ws);
    ws.on('close', () => sockets.delete(id));
    ws.on('error', () => undefined);
    ws.on('message', async (data) => {
      const text = sentText(data.toString());
      if (text === undefined) return;
      const stored = storedMessage((seq += 1), text);
      if (options.store !== undefined) await options.store(stored);
      const frames = floorFrames(stored, id);
      ws.send(frames.ack);
      for (const peer of sockets.values()) peer.send(frames.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/${stage}`,
    managementEndpoint: `http://127.0.0.1:${port}/${stage}`,
    connectionIds: () => [...sockets.keys()],
    stop: async () => {
      for (const ws of sockets.values()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
