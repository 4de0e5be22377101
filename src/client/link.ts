// Client SDK: one WebSocket connection and what belongs to it. The client usually has one link; during
// a planned reconnect it briefly has two (the new one catches up before the old one is closed).

import { Timer, type Clock } from './clock.js';
import { SOCKET_OPEN, type WebSocketLike } from './socket.js';

export class Link {
  /** Set once the socket has opened. */
  opened = false;
  /** Set once the link has caught up (identity known, rooms rejoined, conversations resumed). */
  ready = false;
  closed = false;
  /** Rooms this connection has joined; memberships belong to connections, not users. */
  readonly joined = new Set<string>();
  readonly joining = new Set<string>();
  /** Direct conversations brought up to date on this connection. */
  readonly synced = new Set<string>();
  /** Fires a `ping` after a quiet spell, under API Gateway's 10-minute idle timeout. */
  readonly keepalive: Timer;
  /** Fires the planned reconnect before API Gateway's 2-hour limit. */
  readonly age: Timer;
  /** Gives up on a handshake that hangs. */
  readonly handshake: Timer;

  constructor(
    readonly id: number,
    readonly socket: WebSocketLike,
    clock: Clock,
  ) {
    this.keepalive = new Timer(clock);
    this.age = new Timer(clock);
    this.handshake = new Timer(clock);
  }

  get writable(): boolean {
    return !this.closed && this.socket.readyState === SOCKET_OPEN;
  }

  /** Stops the timers and detaches the handlers: nothing from this socket reaches the client again. */
  detach(): void {
    this.closed = true;
    this.keepalive.stop();
    this.age.stop();
    this.handshake.stop();
    this.socket.onopen = null;
    this.socket.onmessage = null;
    this.socket.onclose = null;
    // Not null: `ws` raises an unhandled 'error' when a socket closed while connecting has no listener.
    this.socket.onerror = () => undefined;
  }
}
