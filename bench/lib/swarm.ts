// Bench helper process: a crowd of real WebSocket clients (the `ws` package). It opens connections,
// counts the frames of each fan-out round as they arrive, and drives the end-to-end run (steady sends,
// send-to-receive latency). Runs apart from the server so the server's memory and CPU are its own.

import WebSocket, { type RawData } from 'ws';
import { serveRequests } from './children.js';
import { nowMs, sleep } from './clock.js';
import { messageDeliveryTimes, type MessageDeliveryTimes } from './delivery-times.js';
import { percentile } from './stats.js';

export type SwarmRequest =
  | { op: 'open'; urls: readonly string[]; concurrency: number; refusalsExpected?: boolean }
  | { op: 'open'; url: string; count: number; concurrency: number; refusalsExpected?: boolean }
  | { op: 'expect'; round: string; count: number; timeoutMs: number }
  | {
      op: 'e2e';
      /** Index of the first message, so warm-up and measured runs never share ids. */
      firstIndex: number;
      messages: number;
      ratePerSecond: number;
      timeoutMs: number;
    }
  | { op: 'join'; room: string; timeoutMs: number }
  | { op: 'flood'; room: string; senders: number; messagesEach: number; timeoutMs: number; settleMs: number }
  | { op: 'pings'; count: number; durationMs: number; intervalMs: number }
  | { op: 'close' };

/** What a flood's senders got back, per request, and what the whole crowd received. */
export interface FloodReply {
  readonly requests: number;
  /** Requests by the frames that answered them: `ack`, `error:<code>`, or `ack+error:<code>`. */
  readonly answers: Readonly<Record<string, number>>;
  /** API Gateway's own error frames (`Endpoint request timed out`, `Internal server error`) to senders. */
  readonly gatewayErrors: number;
  readonly deliveries: number;
  /** Accepted sends (answered `ack`) times the connections: a refused send is delivered to nobody. */
  readonly expectedDeliveries: number;
  /** From the first send to the last delivery. */
  readonly ms: number;
}

export interface OpenedReply {
  readonly opened: number;
  /** Handshakes the stack refused with an HTTP status (counted only when refusals are expected). */
  readonly refused: number;
  readonly ms: number;
}

/** A handshake the gateway answered with an HTTP status instead of an upgrade. */
class HandshakeRefused extends Error {
  constructor(readonly statusCode: number | undefined) {
    super(`handshake refused: ${String(statusCode)}`);
  }
}

export interface RoundReply {
  readonly round: string;
  readonly received: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

export interface E2eReply {
  readonly expected: number;
  readonly received: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /**
   * Per message, the earliest of its deliveries: how long the first member waited (the critical path),
   * apart from how long the fan-out took to reach everyone.
   */
  readonly firstDelivery: { readonly p50: number; readonly p99: number };
  /**
   * Per message, how long after its first delivery its median delivery came: the fan-out's half-length,
   * which the p50 over every delivery pays on top of the first (absent in runs before it was measured).
   */
  readonly medianAfterFirst?: MessageDeliveryTimes['medianAfterFirst'];
  /** Error frames (rate limited, refused): each one is a message that did not go out. */
  readonly errors: number;
  /** Largest delay between when a send was due and when it went out: shows whether the crowd kept up. */
  readonly maxSendLagMs: number;
}

/** The round marker a fan-out payload carries in its text: `"text":"round:<id>"`. */
export const ROUND_MARKER = '"text":"round:';
const E2E_MARKER = /"text":"e2e:(\d+):(\d+(?:\.\d+)?)"/;

const clients: WebSocket[] = [];
const rounds = new Map<string, { received: number; firstAt: number; lastAt: number }>();
let e2eListener: ((text: string, at: number) => void) | undefined;

function onFrame(data: RawData): void {
  const at = nowMs();
  const text = data.toString();
  const marker = text.indexOf(ROUND_MARKER);
  if (marker >= 0) {
    const start = marker + ROUND_MARKER.length;
    const round = text.slice(start, text.indexOf('"', start));
    const seen = rounds.get(round);
    if (seen === undefined) rounds.set(round, { received: 1, firstAt: at, lastAt: at });
    else {
      seen.received += 1;
      seen.lastAt = at;
    }
    return;
  }
  e2eListener?.(text, at);
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => undefined);
      ws.on('message', onFrame);
      resolve(ws);
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_request, response) => {
      reject(new HandshakeRefused(response.statusCode));
      ws.terminate();
    });
  });
}

async function open(
  urls: (index: number) => string,
  count: number,
  concurrency: number,
  refusalsExpected = false,
): Promise<OpenedReply> {
  const startedAt = nowMs();
  let next = 0;
  let opened = 0;
  let refused = 0;
  const opener = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      try {
        clients.push(await connect(urls(index)));
        opened += 1;
      } catch (error) {
        if (!refusalsExpected || !(error instanceof HandshakeRefused)) throw error;
        refused += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, opener));
  return { opened, refused, ms: nowMs() - startedAt };
}

async function expectRound(round: string, count: number, timeoutMs: number): Promise<RoundReply> {
  const deadline = nowMs() + timeoutMs;
  while ((rounds.get(round)?.received ?? 0) < count && nowMs() < deadline) await sleep(2);
  const seen = rounds.get(round) ?? { received: 0, firstAt: Number.NaN, lastAt: Number.NaN };
  rounds.delete(round);
  return { round, ...seen };
}

/** Sends `messages` room messages at a steady rate, from each client in turn, and times every delivery. */
async function endToEnd(request: Extract<SwarmRequest, { op: 'e2e' }>): Promise<E2eReply> {
  const latencies: number[] = [];
  const perMessage = new Map<number, number[]>();
  const lastIndex = request.firstIndex + request.messages;
  let errors = 0;
  e2eListener = (text, at) => {
    if (text.includes('"type":"error"')) {
      errors += 1;
      return;
    }
    if (!text.includes('"type":"message"')) return;
    const match = E2E_MARKER.exec(text);
    if (match === null) return;
    const index = Number(match[1]);
    if (index < request.firstIndex || index >= lastIndex) return;
    const latency = at - Number(match[2]);
    latencies.push(latency);
    const ofMessage = perMessage.get(index);
    if (ofMessage === undefined) perMessage.set(index, [latency]);
    else ofMessage.push(latency);
  };
  const interval = 1_000 / request.ratePerSecond;
  const startedAt = nowMs();
  let maxSendLagMs = 0;
  for (let i = 0; i < request.messages; i += 1) {
    const due = startedAt + i * interval;
    const wait = due - nowMs();
    if (wait > 0) await sleep(wait);
    const sentAt = nowMs();
    maxSendLagMs = Math.max(maxSendLagMs, sentAt - due);
    const sender = clients[i % clients.length] as WebSocket;
    const index = request.firstIndex + i;
    sender.send(JSON.stringify({ action: 'sendMessage', text: `e2e:${index}:${sentAt.toFixed(3)}` }));
  }
  const expected = request.messages * clients.length;
  const deadline = nowMs() + request.timeoutMs;
  while (latencies.length + errors * clients.length < expected && nowMs() < deadline) await sleep(5);
  e2eListener = undefined;
  return {
    expected,
    received: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    ...messageDeliveryTimes(perMessage.values()),
    errors,
    maxSendLagMs,
  };
}

/** Every client joins the room and waits for its `joined`. */
async function joinAll(room: string, timeoutMs: number): Promise<{ joined: number; connections: number }> {
  let joined = 0;
  await Promise.all(
    clients.map(
      (ws, index) =>
        new Promise<void>((resolve, reject) => {
          const requestId = `join-${index}`;
          const timer = setTimeout(() => reject(new Error(`no joined for client ${index}`)), timeoutMs);
          const onMessage = (data: RawData) => {
            const text = data.toString();
            if (!text.includes(`"requestId":"${requestId}"`)) return;
            clearTimeout(timer);
            ws.off('message', onMessage);
            if (text.includes('"type":"joined"')) joined += 1;
            resolve();
          };
          ws.on('message', onMessage);
          ws.send(JSON.stringify({ action: 'join', room, requestId }));
        }),
    ),
  );
  return { joined, connections: clients.length };
}

/**
 * The last `senders` clients each send `messagesEach` messages at once; every frame answering one of them
 * is collected by request, and the crowd's deliveries counted, until all arrived (or the time is up),
 * then `settleMs` more for anything that would follow an answer.
 */
async function flood(request: Extract<SwarmRequest, { op: 'flood' }>): Promise<FloodReply> {
  const answered = new Map<string, string[]>();
  let deliveries = 0;
  let gatewayErrors = 0;
  const senders = clients.slice(-request.senders);
  const listeners = clients.map((ws) => {
    const isSender = senders.includes(ws);
    const listener = (data: RawData) => {
      const text = data.toString();
      if (text.includes('"type":"message"') && text.includes('"text":"flood:')) {
        deliveries += 1;
        return;
      }
      if (!isSender) return;
      if (
        text.includes('"message":"Endpoint request timed out"') ||
        text.includes('"message":"Internal server error"')
      ) {
        gatewayErrors += 1;
        return;
      }
      if (!text.includes('"requestId":"flood:')) return;
      const frame = JSON.parse(text) as { type: string; code?: string; requestId: string };
      const kinds = answered.get(frame.requestId) ?? [];
      kinds.push(frame.type === 'error' ? `error:${String(frame.code)}` : frame.type);
      answered.set(frame.requestId, kinds);
    };
    ws.on('message', listener);
    return { ws, listener };
  });
  const requests = request.senders * request.messagesEach;
  // Every accepted send reaches every connection; a refused one (rate limited) reaches none.
  const acked = () => [...answered.values()].filter((kinds) => kinds.includes('ack')).length;
  const startedAt = nowMs();
  let lastDeliveryAt = startedAt;
  senders.forEach((ws, s) => {
    for (let m = 0; m < request.messagesEach; m += 1) {
      const requestId = `flood:${s}:${m}`;
      ws.send(JSON.stringify({ action: 'sendMessage', room: request.room, text: requestId, requestId }));
    }
  });
  const deadline = startedAt + request.timeoutMs;
  let seen = 0;
  while ((answered.size < requests || deliveries < acked() * clients.length) && nowMs() < deadline) {
    if (deliveries !== seen) {
      seen = deliveries;
      lastDeliveryAt = nowMs();
    }
    await sleep(5);
  }
  if (deliveries !== seen) lastDeliveryAt = nowMs();
  await sleep(request.settleMs);
  for (const { ws, listener } of listeners) ws.off('message', listener);
  const answers: Record<string, number> = {};
  for (let s = 0; s < request.senders; s += 1) {
    for (let m = 0; m < request.messagesEach; m += 1) {
      const kind = (answered.get(`flood:${s}:${m}`) ?? ['none']).join('+');
      answers[kind] = (answers[kind] ?? 0) + 1;
    }
  }
  const expectedDeliveries = acked() * clients.length;
  return { requests, answers, gatewayErrors, deliveries, expectedDeliveries, ms: lastDeliveryAt - startedAt };
}

/** What a series of pings got: round trips of the answered ones, and how many were refused. */
export interface PingsReply {
  readonly rtts: number[];
  /** Pings answered with an error frame (rate limited): they did less work than a `pong`, so they are not timed. */
  readonly refused: number;
}

/**
 * Pings from the first client, one after another, each sent `intervalMs` after the one before it (or when
 * it is answered, if later): `count` of them, or for `durationMs`.
 */
async function pings(request: Extract<SwarmRequest, { op: 'pings' }>): Promise<PingsReply> {
  const ws = clients[0] as WebSocket;
  const rtts: number[] = [];
  let refused = 0;
  const until = nowMs() + request.durationMs;
  for (let i = 0; i < request.count || nowMs() < until; i += 1) {
    const requestId = `ping-${i}`;
    const sentAt = nowMs();
    const answer = await new Promise<string>((resolve) => {
      const onMessage = (data: RawData) => {
        const text = data.toString();
        if (!text.includes(`"requestId":"${requestId}"`)) return;
        ws.off('message', onMessage);
        resolve(text);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ action: 'ping', requestId }));
    });
    if (answer.includes('"type":"pong"')) rtts.push(nowMs() - sentAt);
    else refused += 1;
    const wait = sentAt + request.intervalMs - nowMs();
    if (wait > 0) await sleep(wait);
  }
  return { rtts, refused };
}

async function closeAll(): Promise<{ closed: number }> {
  const closed = clients.length;
  for (const ws of clients) ws.terminate();
  clients.length = 0;
  return { closed };
}

serveRequests<SwarmRequest, unknown>(async (request) => {
  switch (request.op) {
    case 'open':
      return 'urls' in request
        ? open(
            (i) => request.urls[i] as string,
            request.urls.length,
            request.concurrency,
            request.refusalsExpected,
          )
        : open(() => request.url, request.count, request.concurrency, request.refusalsExpected);
    case 'expect':
      return expectRound(request.round, request.count, request.timeoutMs);
    case 'e2e':
      return endToEnd(request);
    case 'join':
      return joinAll(request.room, request.timeoutMs);
    case 'flood':
      return flood(request);
    case 'pings':
      return pings(request);
    case 'close': {
      const reply = await closeAll();
      // Let the reply leave before the process goes.
      setTimeout(() => process.exit(0), 50);
      return reply;
    }
  }
});
