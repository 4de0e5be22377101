// Use case `ping`: a keepalive. Any frame resets API Gateway's 10-minute idle timer; the pong proves the path works.
// (driving adapter) --> ping --> notifier

import type { ClockPort } from '../ports/clock.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { PingAction } from '../protocol/client-actions.js';
import type { PongEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { reply } from './replies.js';

export class Ping {
  constructor(private readonly deps: { notifier: NotifierPort; logger: LoggerPort; clock: ClockPort }) {}

  async execute(caller: Caller, action: PingAction): Promise<PongEvent> {
    const pong: PongEvent = {
      type: 'pong',
      serverTime: this.deps.clock.now(),
      requestId: action.requestId,
    };
    await reply(this.deps, caller, pong);
    return pong;
  }
}
