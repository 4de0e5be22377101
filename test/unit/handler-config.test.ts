// Unit: configuration is validated once with errors naming the variable; reply endpoints follow the event.

import { describe, expect, it } from '@jest/globals';
import { ConfigError, readAuthConfig, readChatConfig } from '../../src/handlers/config.js';
import { identityFromAuthorizer, managementEndpointOf } from '../../src/handlers/runtime/caller.js';
import { sdkTracingEnabled } from '../../src/handlers/runtime/tracing.js';
import type { WsRequestContext } from '../../src/handlers/runtime/ws-event.js';

const base = { AWS_REGION: 'eu-west-1', TABLE_NAME: 'roomcast' };

describe('readChatConfig', () => {
  it('reads the defaults', () => {
    const config = readChatConfig(base);
    expect(config).toMatchObject({ region: 'eu-west-1', tableName: 'roomcast', anonymous: false });
    expect(config.policy.lobbyRoom).toBe('lobby');
  });

  it.each([
    [{ AWS_REGION: 'eu-west-1' }, /TABLE_NAME/],
    [{ TABLE_NAME: 't' }, /AWS_REGION/],
    [{ ...base, FAN_OUT_CONCURRENCY: 'many' }, /FAN_OUT_CONCURRENCY must be a positive integer/],
    [{ ...base, MESSAGE_RETENTION_DAYS: '0' }, /MESSAGE_RETENTION_DAYS/],
    [{ ...base, LOBBY_ROOM: 'no spaces' }, /lobbyRoom/],
    [{ ...base, AUTH_MODE: 'maybe' }, /AUTH_MODE/],
    [{ ...base, DYNAMODB_ENDPOINT: 'not a url' }, /DYNAMODB_ENDPOINT/],
  ])('refuses %j, naming the problem', (env, message) => {
    expect(() => readChatConfig(env)).toThrow(ConfigError);
    expect(() => readChatConfig(env)).toThrow(message);
  });

  it('turns the lobby off with an empty LOBBY_ROOM and reads the numbers', () => {
    const config = readChatConfig({
      ...base,
      LOBBY_ROOM: '',
      FAN_OUT_CONCURRENCY: '64',
      MESSAGE_RETENTION_DAYS: '2',
      AUTH_MODE: 'anonymous',
    });
    expect(config.policy).toMatchObject({
      lobbyRoom: null,
      fanOutConcurrency: 64,
      messageRetentionMs: 172_800_000,
    });
    expect(config.anonymous).toBe(true);
  });
});

describe('readAuthConfig', () => {
  it('reads an OIDC issuer with the default JWKS path', () => {
    expect(readAuthConfig({ JWT_ISSUER: 'https://id.example.com/', JWT_AUDIENCE: 'a, b' })).toEqual({
      kind: 'oidc',
      issuer: 'https://id.example.com',
      audience: ['a', 'b'],
      jwksUri: 'https://id.example.com/.well-known/jwks.json',
    });
  });

  it('reads a Cognito user pool', () => {
    expect(readAuthConfig({ COGNITO_USER_POOL_ID: 'eu-west-1_abc', COGNITO_CLIENT_ID: 'client' })).toEqual({
      kind: 'cognito',
      userPoolId: 'eu-west-1_abc',
      clientId: ['client'],
    });
  });

  it('names what is missing', () => {
    expect(() => readAuthConfig({})).toThrow(/JWT_ISSUER \(or COGNITO_USER_POOL_ID\)/);
    expect(() => readAuthConfig({ JWT_ISSUER: 'https://x' })).toThrow(/JWT_AUDIENCE/);
    expect(() => readAuthConfig({ COGNITO_USER_POOL_ID: 'p' })).toThrow(/COGNITO_CLIENT_ID/);
  });
});

describe('reply endpoint and identity', () => {
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
});

describe('SDK_TRACING', () => {
  it('is off unless switched on, and refuses values it does not know', () => {
    expect(sdkTracingEnabled({})).toBe(false);
    expect(sdkTracingEnabled({ SDK_TRACING: 'off' })).toBe(false);
    expect(sdkTracingEnabled({ SDK_TRACING: 'On ' })).toBe(true);
    expect(sdkTracingEnabled({ SDK_TRACING: 'true' })).toBe(true);
    expect(() => sdkTracingEnabled({ SDK_TRACING: 'yes please' })).toThrow(
      /SDK_TRACING must be "on" or "off"/,
    );
  });
});
