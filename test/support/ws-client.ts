// Test support: a real WebSocket client (the `ws` package) that records frames and its close, plus a
// condition waiter, so tests wait on what happened rather than on time. Every frame either way is
// checked against docs/asyncapi.json (protocol-checks.ts) unless the client is opened `unchecked`.

import WebSocket from 'ws';
import { checkIncoming, checkOutgoing } from './protocol-checks.js';

export interface TestClient {
  readonly ws: WebSocket;
  /** Text frames received, parsed as JSON when they are JSON. */
  readonly frames: unknown[];
  readonly raw: string[];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Sends a frame (an object, or JSON text) the AsyncAPI document describes; throws if it does not. */
  send(frame: unknown): void;
  /** Sends a frame as it is, unchecked: for frames malformed on purpose. */
  sendRaw(frame: unknown): void;
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
  options: {
    protocols?: string[];
    headers?: Record<string, string>;
    /** Skips the protocol checks: for a gateway serving routes of a test's own, not roomcast's. */
    unchecked?: boolean;
  } = {},
): Promise<TestClient> {
  const checked = options.unchecked !== true;
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
    // A frame the document does not describe fails the pending waits at once, not at their timeout.
    let violation: string | undefined;
    const failures = new Set<(error: Error) => void>();
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
      const problem = checked ? checkIncoming(frame) : undefined;
      if (problem !== undefined && violation === undefined) {
        violation = problem;
        for (const fail of failures) fail(new Error(problem));
      }
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
        send: (frame) => {
          if (checked) checkOutgoing(frame);
          ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        },
        sendRaw: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
        next: <T>(predicate: (frame: Record<string, unknown>) => boolean, timeoutMs = 5_000) => {
          const seen = frames.find((f) => isObject(f) && predicate(f));
          if (seen !== undefined) return Promise.resolve(seen as T);
          if (violation !== undefined) return Promise.reject(new Error(violation));
          return new Promise<T>((found, fail) => {
            const settle = () => {
              clearTimeout(timer);
              waiters.delete(waiter);
              failures.delete(failed);
            };
            const waiter = (frame: Record<string, unknown>) => {
              if (!predicate(frame)) return false;
              settle();
              found(frame as T);
              return true;
            };
            const failed = (error: Error) => {
              settle();
              fail(error);
            };
            const timer = setTimeout(
              () => failed(new Error('Timed out waiting for a matching frame')),
              timeoutMs,
            );
            waiters.add(waiter);
            failures.add(failed);
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
