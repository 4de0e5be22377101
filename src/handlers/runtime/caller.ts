// Driving side: who is calling (from the authorizer's context) and where to reply (@connections endpoint).

import {
  ChatError,
  parsePermissions,
  toIdentity,
  type Caller,
  type ConnectionRegistryPort,
  type Identity,
  type Permissions,
} from '../../domain/index.js';
import type { ChatConfig } from '../config.js';
import type { WsRequestContext } from './ws-event.js';

/**
 * The @connections endpoint for this event's stage. On the execute-api domain it is
 * `https://{domain}/{stage}`; behind a custom domain (whose base path may differ) the execute-api
 * host is built from the API id, as the custom domain does not serve the management API.
 */
export function managementEndpointOf(
  context: WsRequestContext,
  config: Pick<ChatConfig, 'managementEndpoint' | 'region'>,
): string {
  if (config.managementEndpoint !== undefined) return config.managementEndpoint;
  if (context.domainName.endsWith('.amazonaws.com')) return `https://${context.domainName}/${context.stage}`;
  return `https://${context.apiId}.execute-api.${config.region}.amazonaws.com/${context.stage}`;
}

/** The identity the authorizer put in the context (`userId`, `name`; `principalId` as a fallback). */
export function identityFromAuthorizer(context: WsRequestContext): Identity | undefined {
  const authorizer = context.authorizer;
  if (authorizer === undefined) return undefined;
  return toIdentity(authorizer['userId'] ?? authorizer['principalId'], authorizer['name']);
}

/**
 * The permissions the authorizer put in the context (`rooms`: the patterns split by spaces; `role`),
 * read by the same rules as the token's claims. No authorizer (anonymous mode): no restrictions.
 */
export function permissionsFromAuthorizer(context: WsRequestContext): Permissions | undefined {
  const authorizer = context.authorizer;
  if (authorizer === undefined) return undefined;
  return parsePermissions(authorizer['rooms'], authorizer['role']);
}

/**
 * Builds the use cases' Caller. Identity comes from the authorizer; only in anonymous mode, where
 * there is no authorizer, is it read back from the record `$connect` made.
 */
export async function callerOf(
  context: WsRequestContext,
  config: ChatConfig,
  connections: ConnectionRegistryPort,
): Promise<Caller> {
  let identity = identityFromAuthorizer(context);
  if (identity === undefined && config.anonymous) {
    const record = await connections.find(context.connectionId);
    if (record !== undefined) identity = { userId: record.userId, displayName: record.displayName };
  }
  return identifiedCaller(context, config, identity, 'This connection has no identity');
}

/**
 * The Caller of this event's connection once its identity is settled, however it was found (here, or
 * at the $connect handshake); without one the call is refused as `unauthorized`, saying `missing`.
 */
export function identifiedCaller(
  context: WsRequestContext,
  config: Pick<ChatConfig, 'managementEndpoint' | 'region'>,
  identity: Identity | undefined,
  missing: string,
): Caller {
  if (identity === undefined) throw new ChatError('unauthorized', missing);
  const permissions = permissionsFromAuthorizer(context);
  return {
    connectionId: context.connectionId,
    identity,
    ...(permissions === undefined ? {} : { permissions }),
    connectedAt: context.connectedAt,
    managementEndpoint: managementEndpointOf(context, config),
  };
}
