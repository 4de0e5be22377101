// Domain model: the identity a connection is given when the service runs without an authorizer
// (anonymous mode, for demos). Made at `$connect`, then kept on the connection record.

import type { IdGeneratorPort } from '../ports/id-generator.port.js';
import { toIdentity, type Identity } from './identity.js';

/** Marks made-up user ids, so they are never taken for an issuer's subjects. */
export const ANONYMOUS_USER_PREFIX = 'anon-';
/** Characters of a new id kept after the prefix: short enough to read, enough to tell users apart. */
const ANONYMOUS_ID_CHARS = 8;

/**
 * A new anonymous identity: `anon-` and the start of a fresh id. The display name is the one the client
 * asked for (`?name=`), checked like any other, or the user id when it asked for none.
 */
export function anonymousIdentity(ids: IdGeneratorPort, requestedName: unknown): Identity {
  return toIdentity(`${ANONYMOUS_USER_PREFIX}${ids.newId().slice(0, ANONYMOUS_ID_CHARS)}`, requestedName);
}
