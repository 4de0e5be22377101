// Client tests: an SDK client wired to the fake server and a manual clock, with what the application
// saw recorded (states, messages per conversation), so tests assert on outcomes.

import {
  RoomcastClient,
  type ConnectionState,
  type RoomcastClientOptions,
  type Source,
  type WebSocketLike,
} from '../../../src/client/index.js';
import { FakeServer, type FakeServerOptions } from './fake-server.js';
import { ManualClock, settle } from '../../fakes/manual-clock.js';

export interface Harness {
  readonly server: FakeServer;
  readonly clock: ManualClock;
  readonly client: RoomcastClient;
  readonly states: ConnectionState[];
  /** Room messages as the application saw them: `room:seq:text`. */
  readonly messages: string[];
  readonly sources: Source[];
  /** Direct messages as the application saw them: `peer:seq:text`. */
  readonly directs: string[];
}

export function harness(
  options: Partial<RoomcastClientOptions> = {},
  serverOptions: FakeServerOptions = {},
): Harness {
  const server = new FakeServer(serverOptions);
  // The same instant the fake server's clock starts at.
  const clock = new ManualClock(1_767_225_600_000);
  // A fixed "random" keeps backoff jitter and message ids reproducible.
  const client = new RoomcastClient({
    url: 'wss://chat.example/prod',
    token: 'ada',
    WebSocket: server.WebSocket,
    clock,
    random: () => 0.5,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
    ...options,
  });
  const states: ConnectionState[] = [];
  const messages: string[] = [];
  const sources: Source[] = [];
  const directs: string[] = [];
  client.on('state', ({ state }) => states.push(state));
  client.on('message', ({ message, source }) => {
    messages.push(`${message.room}:${message.seq}:${message.text}`);
    sources.push(source);
  });
  client.on('direct', ({ message, peer }) => directs.push(`${peer}:${message.seq}:${message.text}`));
  return { server, clock, client, states, messages, sources, directs };
}

/** Connects and lets the handshake and catch-up finish. */
export async function connected(h: Harness): Promise<void> {
  h.client.connect();
  await settle();
  if (h.client.state !== 'open') throw new Error(`expected open, got ${h.client.state}`);
}

/** Another user (`token`) on a socket of their own, joined to `room` once the server has answered. */
export async function otherMember(h: Harness, token: string, room: string): Promise<WebSocketLike> {
  const socket = new h.server.WebSocket(`wss://chat.example/prod?token=${token}`);
  await settle();
  socket.send(JSON.stringify({ action: 'join', room }));
  await settle();
  return socket;
}

/**
 * The service stores the next sendMessage but the client never sees its ack (the reply goes to a request
 * id nobody waits for); with `drop`, the connection drops right after.
 */
export function loseNextSendAck(h: Harness, options: { drop?: boolean } = {}): void {
  h.server.intercept = (socket, frame) => {
    if (frame['action'] !== 'sendMessage') return false;
    h.server.intercept = undefined;
    h.server.receive(socket, { ...frame, requestId: 'lost' });
    if (options.drop === true) socket.drop();
    return true;
  };
}

export { settle };
