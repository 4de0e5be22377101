// Unit: configuration is validated once with errors naming the variable, docs/operations.md lists the
// settings table as it is.

import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { DEFAULT_CHAT_POLICY } from '../../src/domain/index.js';
import {
  ConfigError,
  readAuthConfig,
  readChatConfig,
  readTelemetryConfig,
} from '../../src/handlers/config.js';
import { ALL_SETTINGS } from '../../src/handlers/settings.js';

const base = { AWS_REGION: 'eu-west-1', TABLE_NAME: 'roomcast' };

describe('readChatConfig', () => {
  it('reads the defaults: the default chat policy', () => {
    const config = readChatConfig(base);
    expect(config).toMatchObject({ region: 'eu-west-1', tableName: 'roomcast', anonymous: false });
    expect(config.policy).toEqual(DEFAULT_CHAT_POLICY);
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

  it('caps the default history page at a lower HISTORY_LIMIT_MAX, and reads HISTORY_LIMIT_DEFAULT', () => {
    const history = (env: Record<string, string>) => {
      const { historyLimitDefault, historyLimitMax } = readChatConfig({ ...base, ...env }).policy;
      return { historyLimitDefault, historyLimitMax };
    };
    expect(history({ HISTORY_LIMIT_MAX: '20' })).toEqual({ historyLimitDefault: 20, historyLimitMax: 20 });
    expect(history({ HISTORY_LIMIT_MAX: '70' })).toEqual({ historyLimitDefault: 50, historyLimitMax: 70 });
    expect(history({ HISTORY_LIMIT_DEFAULT: '10', HISTORY_LIMIT_MAX: '20' })).toEqual({
      historyLimitDefault: 10,
      historyLimitMax: 20,
    });
    expect(history({ HISTORY_LIMIT_DEFAULT: '100' })).toEqual({
      historyLimitDefault: 100,
      historyLimitMax: 100,
    });
  });

  it.each([
    [
      { HISTORY_LIMIT_DEFAULT: '30', HISTORY_LIMIT_MAX: '20' },
      'HISTORY_LIMIT_DEFAULT (30) must not exceed HISTORY_LIMIT_MAX (20)',
    ],
    [{ HISTORY_LIMIT_DEFAULT: '101' }, 'HISTORY_LIMIT_DEFAULT (101) must not exceed HISTORY_LIMIT_MAX (100)'],
    [{ HISTORY_LIMIT_DEFAULT: '0' }, 'HISTORY_LIMIT_DEFAULT must be a positive integer, got "0"'],
  ])('refuses history limits %j with a ConfigError that says why', (env, message) => {
    expect(() => readChatConfig({ ...base, ...env })).toThrow(new ConfigError(message));
  });

  it('turns the rate limit off with either number at 0, and keeps the default for the other', () => {
    expect(readChatConfig({ ...base, RATE_LIMIT_BURST: '0' }).policy.rateLimit).toBeNull();
    expect(readChatConfig({ ...base, RATE_LIMIT_PER_SECOND: '0' }).policy.rateLimit).toBeNull();
    expect(readChatConfig({ ...base, RATE_LIMIT_PER_SECOND: '2.5' }).policy.rateLimit).toEqual({
      burst: 20,
      perSecond: 2.5,
    });
    expect(() => readChatConfig({ ...base, RATE_LIMIT_PER_SECOND: '-1' })).toThrow(
      /RATE_LIMIT_PER_SECOND must be a positive number/,
    );
    expect(() => readChatConfig({ ...base, RATE_LIMIT_BURST: '1.5' })).toThrow(
      /RATE_LIMIT_BURST must be a positive integer/,
    );
  });

  it('reads the endpoints as URLs and the handshake grace in milliseconds', () => {
    const config = readChatConfig({
      ...base,
      DYNAMODB_ENDPOINT: 'http://localhost:8000/',
      MANAGEMENT_ENDPOINT: 'http://localhost:3001/local',
      HANDSHAKE_GRACE_MS: '0',
    });
    expect(config).toMatchObject({
      dynamoDbEndpoint: 'http://localhost:8000',
      managementEndpoint: 'http://localhost:3001/local',
    });
    expect(config.policy.handshakeGraceMs).toBe(0);
    expect(() => readChatConfig({ ...base, HANDSHAKE_GRACE_MS: '-5' })).toThrow(
      /HANDSHAKE_GRACE_MS must be a whole number of milliseconds/,
    );
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

describe('readTelemetryConfig', () => {
  it('names the service and the metrics namespace after the stack, roomcast by default', () => {
    expect(readTelemetryConfig({})).toEqual({
      serviceName: 'roomcast',
      metricsNamespace: 'roomcast',
      sdkTracing: false,
    });
    expect(
      readTelemetryConfig({ POWERTOOLS_SERVICE_NAME: 'acme', POWERTOOLS_METRICS_NAMESPACE: 'acme-metrics' }),
    ).toMatchObject({ serviceName: 'acme', metricsNamespace: 'acme-metrics' });
    expect(() => readTelemetryConfig({ POWERTOOLS_SERVICE_NAME: ' ' })).toThrow(
      /POWERTOOLS_SERVICE_NAME must not be empty/,
    );
  });

  it('keeps SDK tracing off unless switched on, and refuses values it does not know', () => {
    const tracing = (value?: string) =>
      readTelemetryConfig(value === undefined ? {} : { SDK_TRACING: value }).sdkTracing;
    expect(tracing()).toBe(false);
    expect(tracing('off')).toBe(false);
    expect(tracing('On ')).toBe(true);
    expect(tracing('true')).toBe(true);
    expect(() => tracing('yes please')).toThrow(/SDK_TRACING must be "on" or "off"/);
  });
});

describe('docs/operations.md', () => {
  /** The rows of the table under "Configuration (environment variables)", cells trimmed. */
  function documentedRows(): string[][] {
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const section = doc.split('## Configuration (environment variables)')[1]?.split('\n## ')[0] ?? '';
    return section
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .slice(2)
      .map((line) =>
        line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim()),
      );
  }

  const functionsOf = { chat: 'all but authorizer', authorizer: 'authorizer', all: 'all' } as const;

  it('lists every setting of the table, in its order, with its functions, default and meaning', () => {
    expect(documentedRows()).toEqual(
      ALL_SETTINGS.map((setting) => [
        `\`${setting.variable}\``,
        functionsOf[setting.functions],
        setting.shownDefault,
        setting.meaning,
      ]),
    );
  });
});

describe('process.env', () => {
  const sources = (folder: string): URL[] =>
    readdirSync(new URL(`../../${folder}/`, import.meta.url), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => new URL(`../../${folder}/${file}`, import.meta.url));

  it('is read by config.ts alone among the handlers and adapters', () => {
    const readers = [...sources('src/handlers'), ...sources('src/adapters')]
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => file.pathname.split('/src/')[1]);
    expect(readers).toEqual(['handlers/config.ts']);
  });
});
