// Use case `whoami`: the caller's connection id, identity, and the endpoint a backend would push to.
// (driving adapter) --> whoami --> notifier

import type { LoggerPort } from '../ports/logger.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import type { WhoAmIAction } from '../protocol/client-actions.js';
import type { WhoAmIEvent } from '../protocol/server-events.js';
import type { Caller } from './caller.js';
import { reply } from './replies.js';

export class WhoAmI {
  constructor(private readonly deps: { notifier: NotifierPort; logger: LoggerPort }) {}

  async execute(caller: Caller, action: WhoAmIAction): Promise<WhoAmIEvent> {
    const whoami: WhoAmIEvent = {
      type: 'whoami',
      connectionId: caller.connectionId,
      user: caller.identity,
      connectedAt: caller.connectedAt,
      endpoint: caller.managementEndpoint,
      requestId: action.requestId,
    };
    await reply(this.deps, caller, whoami);
    return whoami;
  }
}
