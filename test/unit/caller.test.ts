// Unit: the start of every client route: who is calling (the authorizer's context, or in anonymous mode the
// record `$connect` made), with which permissions, and the @connections endpoint the replies go to.

import { describe, expect, it } from '@jest/globals';
import type { Connection } from '../../src/domain/index.js';
import { readChatConfig, type ChatConfig } from '../../src/handlers/config.js';
import { callerOf, identityFromAuthorizer, managementEndpointOf } from '../../src/handlers/runtime/caller.js';
import type { WsRequestContext } from '../../src/handlers/runtime/ws-event.js';
import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { ManualClock } from '../fakes/manual-clock.js';

const context = (domainName: string, authorizer?: Record<string, unknown>): WsRequestContext => ({
  routeKey: 'ping',
  eventType: 'MESSAGE',
  connectionId: 'c',
  connectedAt: 0,
  requestId: 'r',
  requestTimeEpoch: 0,
  domainName,
  stage: 'prod',
  apiId: 'abcde12345',
  identity: { sourceIp: '127.0.0.1' },
  ...(authorizer ? { authorizer } : {}),
});

describe('reply endpoint and identity', () => {
  it('replies through the execute-api domain with the stage', () => {
    expect(
      managementEndpointOf(context('abcde12345.execute-api.eu-west-1.amazonaws.com'), {
        region: 'eu-west-1',
      }),
    ).toBe('https://abcde12345.execute-api.eu-west-1.amazonaws.com/prod');
  });

  it('replies through the execute-api host behind a custom domain', () => {
    expect(managementEndpointOf(context('chat.example.com'), { region: 'eu-west-1' })).toBe(
      'https://abcde12345.execute-api.eu-west-1.amazonaws.com/prod',
    );
  });

  it('prefers a configured endpoint', () => {
    expect(
      managementEndpointOf(context('chat.example.com'), {
        region: 'x',
        managementEndpoint: 'http://localhost:3001/local',
      }),
    ).toBe('http://localhost:3001/local');
  });

  it('reads the identity from the authorizer context only', () => {
    expect(identityFromAuthorizer(context('d', { principalId: 'u1', userId: 'u1', name: 'Una' }))).toEqual({
      userId: 'u1',
      displayName: 'Una',
    });
    expect(identityFromAuthorizer(context('d', { principalId: 'p2' }))).toEqual({
      userId: 'p2',
      displayName: 'p2',
    });
    expect(identityFromAuthorizer(context('d'))).toBeUndefined();
  });

  it('replies through the execute-api domain the event came through, not one rebuilt from the region', () => {
    expect(
      managementEndpointOf(context('abcde12345.execute-api.us-east-1.amazonaws.com'), {
        region: 'eu-west-1',
      }),
    ).toBe('https://abcde12345.execute-api.us-east-1.amazonaws.com/prod');
  });

  it("takes the user id from the authorizer's userId rather than its principalId when both are set", () => {
    expect(
      identityFromAuthorizer(context('d', { principalId: 'issuer|sub-42', userId: 'alice', name: 'Alice' })),
    ).toEqual({ userId: 'alice', displayName: 'Alice' });
  });
});

describe('the caller of a client frame', () => {
  const executeApi = 'abcde12345.execute-api.eu-west-1.amazonaws.com';
  const config = (overrides: Partial<ChatConfig> = {}): ChatConfig => ({
    ...readChatConfig({ AWS_REGION: 'eu-west-1', TABLE_NAME: 'roomcast' }),
    ...overrides,
  });

  /** A registry holding the record `$connect` made for connection `c`. */
  async function registryWith(record: Pick<Connection, 'userId' | 'displayName'>) {
    const clock = new ManualClock();
    const connections = new InMemoryConnectionRegistry(clock);
    await connections.register({
      connectionId: 'c',
      ...record,
      connectedAt: clock.now(),
      expiresAt: clock.now() + 60_000,
    });
    return connections;
  }

  it("carries the connection, the authorizer's identity and permissions, its connection time and reply endpoint", async () => {
    const authorizer = { userId: 'alice', name: 'Alice', rooms: 'general team-*', role: 'moderator' };
    const caller = await callerOf(
      { ...context(executeApi, authorizer), connectedAt: 1_700_000_000_000 },
      config(),
      await registryWith({ userId: 'someone-else', displayName: 'Else' }),
    );
    expect(caller).toStrictEqual({
      connectionId: 'c',
      identity: { userId: 'alice', displayName: 'Alice' },
      permissions: { rooms: ['general', 'team-*'], role: 'moderator' },
      connectedAt: 1_700_000_000_000,
      managementEndpoint: `https://${executeApi}/prod`,
    });
  });

  it('gives a caller whose authorizer set no permission claims no permissions at all', async () => {
    const caller = await callerOf(
      context(executeApi, { userId: 'alice', name: 'Alice' }),
      config(),
      await registryWith({ userId: 'alice', displayName: 'Alice' }),
    );
    expect(caller).toStrictEqual({
      connectionId: 'c',
      identity: { userId: 'alice', displayName: 'Alice' },
      connectedAt: 0,
      managementEndpoint: `https://${executeApi}/prod`,
    });
  });

  it('reads the identity back from the connection record in anonymous mode', async () => {
    const caller = await callerOf(
      context(executeApi),
      config({ anonymous: true }),
      await registryWith({ userId: 'anon-1a2b3c4d', displayName: 'Zed' }),
    );
    expect(caller).toStrictEqual({
      connectionId: 'c',
      identity: { userId: 'anon-1a2b3c4d', displayName: 'Zed' },
      connectedAt: 0,
      managementEndpoint: `https://${executeApi}/prod`,
    });
  });

  it("keeps the authorizer's identity in anonymous mode too, without reading the connection record", async () => {
    const connections = await registryWith({ userId: 'anon-1a2b3c4d', displayName: 'Zed' });
    let reads = 0;
    const find = connections.find.bind(connections);
    connections.find = async (connectionId) => {
      reads += 1;
      return find(connectionId);
    };
    const caller = await callerOf(
      context(executeApi, { userId: 'alice', name: 'Alice' }),
      config({ anonymous: true }),
      connections,
    );
    expect(caller.identity).toEqual({ userId: 'alice', displayName: 'Alice' });
    expect(reads).toBe(0);
  });

  it('refuses a frame without an authorizer identity outside anonymous mode, even if the connection has a record', async () => {
    await expect(
      callerOf(context(executeApi), config(), await registryWith({ userId: 'alice', displayName: 'Alice' })),
    ).rejects.toMatchObject({ code: 'unauthorized', message: 'This connection has no identity' });
  });
});
