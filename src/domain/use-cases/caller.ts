// Use-case input: who is calling, as the driving adapter learned it from API Gateway's request context.

import type { ConnectionId } from '../model/connection.js';
import type { Identity } from '../model/identity.js';
import type { Permissions } from '../model/permissions.js';

/**
 * One request's state, shared by everything that handles it. `answered` is set once the caller has had
 * its answer (an ack, a pong, a snapshot): from then on, nothing may send it an error about that request.
 */
export interface RequestState {
  answered: boolean;
}

export interface Caller {
  readonly connectionId: ConnectionId;
  /** From the authorizer's context; never from the message body. */
  readonly identity: Identity;
  /**
   * From the token's claims, beside the identity rather than in it: identities travel in events and
   * stored messages, and nobody else should learn what a user may do. Absent: no restrictions.
   */
  readonly permissions?: Permissions;
  /** When API Gateway accepted the connection (epoch ms); membership records expire with the connection. */
  readonly connectedAt: number;
  /** The `@connections` endpoint for this stage, when the adapter knows it (reported by `whoami`). */
  readonly managementEndpoint?: string;
  /** Present when the driving adapter handles a request it must answer once (client frames). */
  readonly request?: RequestState;
}
