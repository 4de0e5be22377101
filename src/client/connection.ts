// Client SDK: the connection lifecycle. Dials (with the token asked afresh each time), keeps the socket
// alive, replaces it before API Gateway's 2-hour limit without a gap, and retries with backoff when it
// is lost. What a new connection must catch up on, and what the frames mean, belongs to the client.

import { backoffDelay } from './backoff.js';
import { Timer, type Clock, type Random } from './clock.js';
import { Link } from './link.js';
import type { ConnectionState, RoomcastClientOptions } from './options.js';
import { defaultWebSocket, type WebSocketFactory } from './socket.js';

/** What the client does at each step of a connection's life. */
export interface ConnectionHooks {
  /** Brings a link that just opened level with what the application has seen; rejecting abandons it. */
  catchUp(link: Link): Promise<void>;
  /** A link caught up and now serves the application; `rotated` when it replaced a working one. */
  ready(link: Link, rotated: boolean): void;
  received(link: Link, data: unknown): void;
  /** A link is being detached: what is pending on it must be written elsewhere or fail. */
  released(link: Link, stopped: boolean): void;
  /** Pings a link; rejects when the ping is not answered. */
  probe(link: Link): Promise<unknown>;
  stateChanged(state: ConnectionState, previous: ConnectionState): void;
}

type Role = 'primary' | 'standby';

export class Connection {
  private Socket: WebSocketFactory | undefined;
  private currentState: ConnectionState = 'closed';
  private stopped = true;
  /** Counts start() calls, so an attempt begun before a stop() cannot come back after it. */
  private session = 0;
  private attempt = 0;
  private rotationAttempt = 0;
  private linkCount = 0;
  private current: Link | undefined;
  private standby: Link | undefined;
  private readonly reconnectTimer: Timer;

  constructor(
    private readonly options: RoomcastClientOptions,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly hooks: ConnectionHooks,
  ) {
    this.reconnectTimer = new Timer(clock);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** The link serving the application (possibly still catching up). */
  get primary(): Link | undefined {
    return this.current;
  }

  /** The primary once it has caught up and the state is `open`. */
  get live(): Link | undefined {
    return this.currentState === 'open' && this.current?.ready === true ? this.current : undefined;
  }

  /** Every link there is: the primary and, during a planned reconnect, its replacement. */
  get links(): Link[] {
    return [this.current, this.standby].filter((link): link is Link => link !== undefined);
  }

  /** Throws only when there is no WebSocket implementation; connection failures are retried. */
  start(): void {
    if (!this.stopped) return;
    this.Socket ??= this.options.WebSocket ?? defaultWebSocket();
    this.stopped = false;
    this.session += 1;
    this.attempt = 0;
    this.setState('connecting');
    void this.dial('primary');
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reconnectTimer.stop();
    for (const link of this.links) this.shut(link);
    this.current = undefined;
    this.standby = undefined;
  }

  /** Marks the connection closed for good, once the client has failed what waited on it. */
  closed(): void {
    this.setState('closed');
  }

  write(link: Link, text: string): boolean {
    if (!link.writable) return false;
    try {
      link.socket.send(text);
    } catch {
      this.abandon(link);
      return false;
    }
    this.restartKeepalive(link);
    return true;
  }

  /** Gives up on a connection that stopped answering, as if it had been closed under us. */
  abandon(link: Link): void {
    if (link.closed) return;
    this.shut(link);
    this.afterLoss(link);
  }

  private setState(next: ConnectionState): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    this.hooks.stateChanged(next, previous);
  }

  private async connectUrl(): Promise<string> {
    const { token, url } = this.options;
    const params = new URLSearchParams(this.options.query ?? {});
    if (token !== undefined) params.set('token', typeof token === 'string' ? token : await token());
    const query = params.toString();
    if (query === '') return url;
    return `${url}${url.includes('?') ? '&' : '?'}${query}`;
  }

  private async dial(role: Role): Promise<void> {
    const session = this.session;
    const current = () => !this.stopped && session === this.session;
    let url: string;
    try {
      url = await this.connectUrl();
    } catch {
      if (current()) this.failedToOpen(role);
      return;
    }
    if (!current() || (role === 'standby' && this.current === undefined)) return;
    let link: Link;
    try {
      // Browsers throw at once on a malformed URL; that is retried like any failed attempt.
      link = new Link((this.linkCount += 1), new (this.Socket as WebSocketFactory)(url), this.clock);
    } catch {
      this.failedToOpen(role);
      return;
    }
    if (role === 'primary') this.current = link;
    else this.standby = link;
    const socket = link.socket;
    socket.onopen = () => this.opened(link);
    socket.onmessage = (event) => this.hooks.received(link, event.data);
    socket.onclose = () => this.lost(link);
    // An error is always followed by a close, which is where recovery happens.
    socket.onerror = () => undefined;
    link.handshake.start(this.options.connectTimeoutMs ?? 10_000, () => this.abandon(link));
  }

  /** A connection attempt that never produced a socket (token function or constructor threw). */
  private failedToOpen(role: Role): void {
    if (role === 'primary') this.retry();
    else this.scheduleRotation();
  }

  private opened(link: Link): void {
    link.opened = true;
    link.handshake.stop();
    this.restartKeepalive(link);
    void this.hooks.catchUp(link).then(
      () => this.ready(link),
      () => this.abandon(link),
    );
  }

  private ready(link: Link): void {
    if (link.closed) return;
    link.ready = true;
    const rotated = link === this.standby;
    if (rotated) {
      // Planned reconnect: the new connection has caught up, so the old one can go.
      const old = this.current;
      this.current = link;
      this.standby = undefined;
      if (old !== undefined) this.shut(old);
    }
    if (link !== this.current) return;
    this.attempt = 0;
    this.rotationAttempt = 0;
    link.age.start(this.options.maxConnectionAgeMs ?? 110 * 60_000, () => this.rotate(link));
    this.setState('open');
    this.hooks.ready(link, rotated);
  }

  /** Opens the replacement connection; the current one keeps serving until it has caught up. */
  private rotate(link: Link): void {
    if (this.stopped || link !== this.current || this.standby !== undefined) return;
    void this.dial('standby');
  }

  private scheduleRotation(): void {
    const link = this.current;
    if (link === undefined || !link.ready) return;
    const delay = backoffDelay(this.rotationAttempt, this.options.reconnect ?? {}, this.random);
    this.rotationAttempt += 1;
    link.age.start(delay, () => this.rotate(link));
  }

  /** Closes a connection on purpose; what was pending on it is written again elsewhere. */
  private shut(link: Link): void {
    this.release(link);
    try {
      link.socket.close(1000, 'Client closed');
    } catch {
      // Closing a socket that is still connecting may throw; it is detached either way.
    }
  }

  private lost(link: Link): void {
    if (link.closed) return;
    this.release(link);
    this.afterLoss(link);
  }

  private release(link: Link): void {
    link.detach();
    this.hooks.released(link, this.stopped);
  }

  private afterLoss(link: Link): void {
    if (this.stopped) return;
    if (link === this.standby) {
      this.standby = undefined;
      this.scheduleRotation();
      return;
    }
    if (link !== this.current) return;
    if (this.standby !== undefined) {
      // The old connection died during a planned reconnect: the new one, still catching up, takes over.
      this.current = this.standby;
      this.standby = undefined;
      this.setState('reconnecting');
      return;
    }
    this.current = undefined;
    this.retry();
  }

  /** Schedules the next attempt. `connecting` lasts until the first success; after that, `reconnecting`. */
  private retry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.options.reconnect ?? {}, this.random);
    this.attempt += 1;
    if (this.currentState === 'open') this.setState('reconnecting');
    this.reconnectTimer.start(delay, () => void this.dial('primary'));
  }

  private restartKeepalive(link: Link): void {
    link.keepalive.start(this.options.keepaliveMs ?? 5 * 60_000, () => {
      // A ping left unanswered means a connection that died silently (a sleeping laptop, a NAT).
      this.hooks.probe(link).catch(() => this.abandon(link));
    });
  }
}
