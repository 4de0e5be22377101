// Client SDK: the slice of the WebSocket API the SDK uses, so the browser's `WebSocket`, the `ws`
// package in Node and the tests' in-memory fake are interchangeable.

/** `readyState` values shared by every WebSocket implementation. */
export const SOCKET_OPEN = 1;

export interface SocketMessageEvent {
  readonly data: unknown;
}

export interface SocketCloseEvent {
  readonly code: number;
  readonly reason: string;
}

/**
 * A handler type checked bivariantly (as method parameters are), so that the DOM's and `ws`'s richer
 * event types fit the small shapes above.
 */
type Handler<E> = { handle(event: E): void }['handle'];

export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<SocketMessageEvent> | null;
  onclose: Handler<SocketCloseEvent> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = new (url: string) => WebSocketLike;

/** The platform's WebSocket (browsers, Node 22+); Node 20 has none, so pass `ws` there. */
export function defaultWebSocket(): WebSocketFactory {
  const platform = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof platform !== 'function') {
    throw new Error(
      'No global WebSocket: pass one in the options, e.g. `import WebSocket from "ws"` and `{ WebSocket }`',
    );
  }
  return platform as WebSocketFactory;
}
