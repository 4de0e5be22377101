// Test support: a real WebSocket client (the `ws` package) that records frames and its close, plus a
// condition waiter, so tests wait on what happened rather than on time.

import WebSocket from 'ws';

export interface TestClient {
  readonly ws: WebSocket;
  /** Text frames received, parsed as JSON when they are JSON. */
  readonly frames: unknown[];
  readonly raw: string[];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  /** Waits until a frame matching the predicate has been received (the first such frame). */
  next<T = Record<string, unknown>>(
    predicate: (frame: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Opens a connection; rejects with the HTTP status when the handshake is refused. */
export function openClient(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
    const frames: unknown[] = [];
    const raw: string[] = [];
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString('utf8') })),
    );
    // Pending next() calls, each tried against every frame that arrives (no polling: a test with
    // hundreds of clients waiting at once must not spend its CPU rescanning their frames).
    const waiters = new Set<(frame: Record<string, unknown>) => boolean>();
    ws.on('message', (data) => {
      const text = data.toString();
      raw.push(text);
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        frame = text;
      }
      frames.push(frame);
      if (isObject(frame)) for (const waiter of waiters) if (waiter(frame)) waiters.delete(waiter);
    });
    ws.once('unexpected-response', (_request, response) => {
      reject(
        Object.assign(new Error(`handshake refused: ${response.statusCode}`), {
          status: response.statusCode,
        }),
      );
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
    ws.once('open', () => {
      resolve({
        ws,
        frames,
        raw,
        closed,
        send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
        next: <T>(predicate: (frame: Record<string, unknown>) => boolean, timeoutMs = 5_000) => {
          const seen = frames.find((f) => isObject(f) && predicate(f));
          if (seen !== undefined) return Promise.resolve(seen as T);
          return new Promise<T>((found, fail) => {
            const waiter = (frame: Record<string, unknown>) => {
              if (!predicate(frame)) return false;
              clearTimeout(timer);
              found(frame as T);
              return true;
            };
            const timer = setTimeout(() => {
              waiters.delete(waiter);
              fail(new Error('Timed out waiting for a matching frame'));
            }, timeoutMs);
            waiters.add(waiter);
          });
        },
        close: async () => {
          if (ws.readyState === WebSocket.OPEN) ws.close(1000);
          await closed;
        },
      });
    });
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
