// Client SDK: requests in flight. Each frame gets a requestId, and the reply or error frame carrying it
// settles the request, on the connection it was written to. Application requests wait in an outbox while
// there is no usable connection and are written again after a reconnect; a frame the rate limit refused
// did nothing and is written again after the wait the service asked for.

import { Timer, type Clock, type Random } from './clock.js';
import { RoomcastError } from './errors.js';
import type { IdSource } from './ids.js';
import type { Link } from './link.js';
import type { ClientFrame, ErrorEvent, RepliedAction, ReplyOf, ServerEvent } from './protocol.js';

/** A request as the caller writes it; the requestId is added here. */
type Body<F> = F extends ClientFrame ? Omit<F, 'requestId'> : never;
export type RequestBody = Body<Extract<ClientFrame, { action: RepliedAction }>>;

export interface Pending {
  readonly requestId: string;
  readonly frame: ClientFrame;
  /** Application requests survive a lost connection and are written again; the client's own are not. */
  readonly requeue: boolean;
  /** A room the connection must have joined before the frame may go. */
  readonly gateRoom?: string;
  readonly clientMsgId?: string;
  /** Times the service answered `rate_limited`. */
  rateLimited: number;
  /** Times out the reply, or waits out a rate limit before the frame goes again. */
  readonly timer: Timer;
  link?: Link;
  resolve(reply: unknown): void;
  reject(error: RoomcastError): void;
}

export interface RequestsDeps {
  readonly clock: Clock;
  readonly random: Random;
  readonly ids: IdSource;
  readonly timeoutMs: number;
  /** Writes a frame. A failed write surfaces as the connection's loss, which requeues or fails it. */
  write(link: Link, text: string): void;
  /** An application request got no reply in time on a connection that still looks open. */
  unanswered(link: Link): void;
}

/** A request refused by the rate limit this many times fails with `rate_limited`. */
const RATE_LIMIT_RETRIES = 5;

export class Requests {
  private readonly pending = new Map<string, Pending>();
  private outbox: Pending[] = [];

  constructor(private readonly deps: RequestsDeps) {}

  /** An application request: waits in the outbox until `flush` writes it. */
  queue<B extends RequestBody>(
    body: B,
    options: { gateRoom?: string; clientMsgId?: string } = {},
  ): Promise<ReplyOf[B['action']]> {
    return new Promise((resolve, reject) => {
      this.outbox.push(this.create(body, true, resolve as (reply: unknown) => void, reject, options));
    });
  }

  /** The client's own request (catching up, keepalive): written at once on one connection, never requeued. */
  send<B extends RequestBody>(link: Link, body: B): Promise<ReplyOf[B['action']]> {
    return new Promise((resolve, reject) => {
      const request = this.create(body, false, resolve as (reply: unknown) => void, reject, {});
      this.pending.set(request.requestId, request);
      this.transmit(request, link);
    });
  }

  /** Writes what the outbox holds on a connection, except what must wait (e.g. for its room's join). */
  flush(link: Link, mustWait: (request: Pending) => boolean): void {
    const waiting: Pending[] = [];
    for (const request of this.outbox) {
      if (mustWait(request)) {
        waiting.push(request);
        continue;
      }
      this.pending.set(request.requestId, request);
      this.transmit(request, link);
    }
    this.outbox = waiting;
  }

  /** Settles the request an event answers; false when the event answers no request of this client. */
  answer(link: Link, event: ServerEvent): boolean {
    const requestId = 'requestId' in event ? event.requestId : undefined;
    if (typeof requestId !== 'string') return false;
    const request = this.pending.get(requestId);
    if (request === undefined || request.link !== link) return false;
    request.timer.stop();
    if (event.type !== 'error') {
      this.pending.delete(requestId);
      request.resolve(event);
      return true;
    }
    if (this.backOff(request, link, event)) return true;
    this.pending.delete(requestId);
    request.reject(
      new RoomcastError(event.code, event.message, {
        requestId,
        clientMsgId: request.clientMsgId,
        details: event.details,
      }),
    );
    return true;
  }

  /**
   * A connection is gone: its application requests go back to the front of the outbox (in their
   * order) when `requeue` is true, everything else fails with `closed`.
   */
  release(link: Link, requeue: boolean): void {
    const again: Pending[] = [];
    for (const request of [...this.pending.values()]) {
      if (request.link !== link) continue;
      request.timer.stop();
      request.link = undefined;
      if (request.requeue && requeue) {
        again.push(request);
      } else {
        this.pending.delete(request.requestId);
        request.reject(failure('closed', 'The connection closed before the reply', request));
      }
    }
    this.outbox = [...again, ...this.outbox];
  }

  /** Fails every request, written or not (the client was closed). */
  failAll(): void {
    const all = [...this.pending.values(), ...this.outbox];
    this.pending.clear();
    this.outbox = [];
    for (const request of all) {
      request.timer.stop();
      request.reject(failure('closed', 'The client was closed', request));
    }
  }

  private create(
    body: object,
    requeue: boolean,
    resolve: (reply: unknown) => void,
    reject: (error: RoomcastError) => void,
    options: { gateRoom?: string; clientMsgId?: string },
  ): Pending {
    const requestId = this.deps.ids.requestId();
    return {
      requestId,
      frame: { ...body, requestId } as ClientFrame,
      requeue,
      gateRoom: options.gateRoom,
      clientMsgId: options.clientMsgId,
      rateLimited: 0,
      timer: new Timer(this.deps.clock),
      resolve,
      reject,
    };
  }

  private transmit(request: Pending, link: Link): void {
    request.link = link;
    request.timer.start(this.deps.timeoutMs, () => this.timedOut(request));
    this.deps.write(link, JSON.stringify(request.frame));
  }

  /** Waits the `retryAfterMs` the service asked for, plus jitter, then writes the frame again. */
  private backOff(request: Pending, link: Link, error: ErrorEvent): boolean {
    if (error.code !== 'rate_limited' || request.rateLimited >= RATE_LIMIT_RETRIES) return false;
    request.rateLimited += 1;
    const asked = Number(error.details?.['retryAfterMs']);
    const wait = Number.isFinite(asked) && asked > 0 ? asked : 1_000;
    request.timer.start(wait + Math.round(this.deps.random() * wait * 0.25), () => {
      if (!link.closed) this.transmit(request, link);
    });
    return true;
  }

  private timedOut(request: Pending): void {
    this.pending.delete(request.requestId);
    const link = request.link;
    request.reject(failure('timeout', `No reply to "${request.frame.action}" in time`, request));
    if (request.requeue && link !== undefined && !link.closed) this.deps.unanswered(link);
  }
}

function failure(code: 'timeout' | 'closed', message: string, request: Pending): RoomcastError {
  return new RoomcastError(code, message, {
    requestId: request.requestId,
    clientMsgId: request.clientMsgId,
  });
}
