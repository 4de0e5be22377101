// Bench helper process: a crowd of real WebSocket clients (the `ws` package). It opens connections,
// counts the frames of each fan-out round as they arrive, and drives the end-to-end run (steady sends,
// send-to-receive latency). Runs apart from the server so the server's memory and CPU are its own.

import WebSocket, { type RawData } from 'ws';
import { serveRequests } from './children.js';
import { nowMs, sleep } from './clock.js';
import { percentile } from './stats.js';

export type SwarmRequest =
  | { op: 'open'; urls: readonly string[]; concurrency: number }
  | { op: 'open'; url: string; count: number; concurrency: number }
  | { op: 'expect'; round: string; count: number; timeoutMs: number }
  | {
      op: 'e2e';
      /** Index of the first message, so warm-up and measured runs never share ids. */
      firstIndex: number;
      messages: number;
      ratePerSecond: number;
      timeoutMs: number;
    }
  | { op: 'close' };

export interface OpenedReply {
  readonly opened: number;
  readonly ms: number;
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
      reject(new Error(`handshake refused: ${response.statusCode}`));
      ws.terminate();
    });
  });
}

async function open(
  urls: (index: number) => string,
  count: number,
  concurrency: number,
): Promise<OpenedReply> {
  const startedAt = nowMs();
  let next = 0;
  const opener = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      clients.push(await connect(urls(index)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, opener));
  return { opened: clients.length, ms: nowMs() - startedAt };
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
    if (index >= request.firstIndex && index < lastIndex) latencies.push(at - Number(match[2]));
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
    errors,
    maxSendLagMs,
  };
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
        ? open((i) => request.urls[i] as string, request.urls.length, request.concurrency)
        : open(() => request.url, request.count, request.concurrency);
    case 'expect':
      return expectRound(request.round, request.count, request.timeoutMs);
    case 'e2e':
      return endToEnd(request);
    case 'close': {
      const reply = await closeAll();
      // Let the reply leave before the process goes.
      setTimeout(() => process.exit(0), 50);
      return reply;
    }
  }
});
