// Composition support: reads and validates the functions' configuration from the environment, once.
// Nothing else reads process.env; adapters receive these values through their constructors.

import { chatPolicy, DEFAULT_CHAT_POLICY, type ChatPolicy } from '../domain/index.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

export interface ChatConfig {
  readonly region: string;
  readonly tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); absent in AWS. */
  readonly dynamoDbEndpoint?: string;
  /** @connections endpoint override; by default built from each event's domain name and stage. */
  readonly managementEndpoint?: string;
  /** Without an authorizer: identities are made up at $connect and kept on the connection record. */
  readonly anonymous: boolean;
  readonly policy: ChatPolicy;
  readonly metricsNamespace: string;
}

export type AuthConfig =
  | {
      readonly kind: 'oidc';
      readonly issuer: string;
      readonly audience: readonly string[];
      readonly jwksUri: string;
    }
  | { readonly kind: 'cognito'; readonly userPoolId: string; readonly clientId: readonly string[] }
  | {
      readonly kind: 'local';
      readonly issuer: string;
      readonly audience: readonly string[];
      /** The local stack's public key set, as JSON: tokens it signs verify only against it. */
      readonly jwks: string;
    };

export function readChatConfig(env: Env): ChatConfig {
  const lobby = optional(env, 'LOBBY_ROOM');
  const overrides: Partial<ChatPolicy> = {
    ...(lobby === undefined ? {} : { lobbyRoom: lobby === '' ? null : lobby }),
    ...integer(env, 'FAN_OUT_CONCURRENCY', 'fanOutConcurrency'),
    ...integer(env, 'MEMBERS_PAGE_SIZE', 'membersPageSize'),
    ...integer(env, 'ANNOUNCE_MAX_MEMBERS', 'announceMaxMembers'),
    ...integer(env, 'MAX_TEXT_CHARS', 'maxTextChars'),
    ...integer(env, 'HISTORY_LIMIT_MAX', 'historyLimitMax'),
    ...days(env, 'MESSAGE_RETENTION_DAYS', 'messageRetentionMs'),
    ...rateLimit(env),
    ...milliseconds(env, 'HANDSHAKE_GRACE_MS', 'handshakeGraceMs'),
  };
  let policy: ChatPolicy;
  try {
    policy = chatPolicy(overrides);
  } catch (error) {
    throw new ConfigError(`Invalid chat settings: ${(error as Error).message}`);
  }
  const authMode = optional(env, 'AUTH_MODE') ?? 'jwt';
  if (authMode !== 'jwt' && authMode !== 'anonymous') {
    throw new ConfigError(`AUTH_MODE must be "jwt" or "anonymous", got "${authMode}"`);
  }
  const dynamoDbEndpoint = optional(env, 'DYNAMODB_ENDPOINT');
  const managementEndpoint = optional(env, 'MANAGEMENT_ENDPOINT');
  return {
    region: required(env, 'AWS_REGION'),
    tableName: required(env, 'TABLE_NAME'),
    ...(dynamoDbEndpoint === undefined
      ? {}
      : { dynamoDbEndpoint: url('DYNAMODB_ENDPOINT', dynamoDbEndpoint) }),
    ...(managementEndpoint === undefined
      ? {}
      : { managementEndpoint: url('MANAGEMENT_ENDPOINT', managementEndpoint) }),
    anonymous: authMode === 'anonymous',
    policy,
    metricsNamespace: optional(env, 'POWERTOOLS_METRICS_NAMESPACE') ?? 'roomcast',
  };
}

/**
 * The authorizer's issuer: a Cognito user pool (COGNITO_USER_POOL_ID + COGNITO_CLIENT_ID), any OIDC
 * issuer (JWT_ISSUER + JWT_AUDIENCE, JWKS_URI defaulting to the issuer's well-known path), or the
 * local stack's dev key (LOCAL_JWKS + JWT_ISSUER + JWT_AUDIENCE).
 */
export function readAuthConfig(env: Env): AuthConfig {
  const userPoolId = optional(env, 'COGNITO_USER_POOL_ID');
  if (userPoolId !== undefined) {
    return { kind: 'cognito', userPoolId, clientId: list(required(env, 'COGNITO_CLIENT_ID')) };
  }
  const localJwks = optional(env, 'LOCAL_JWKS');
  const issuer = required(env, 'JWT_ISSUER', 'or COGNITO_USER_POOL_ID');
  const audience = list(required(env, 'JWT_AUDIENCE'));
  if (localJwks !== undefined) return { kind: 'local', issuer, audience, jwks: localJwks };
  const jwksUri = optional(env, 'JWKS_URI') ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  return { kind: 'oidc', issuer: url('JWT_ISSUER', issuer), audience, jwksUri: url('JWKS_URI', jwksUri) };
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined ? undefined : value.trim();
}

function required(env: Env, name: string, alternative?: string): string {
  const value = optional(env, name);
  if (value === undefined || value === '') {
    throw new ConfigError(`Missing environment variable ${name}${alternative ? ` (${alternative})` : ''}`);
  }
  return value;
}

function positiveInteger(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw new ConfigError(`${name} must be a positive integer, got "${value}"`);
  }
  return parsed;
}

function integer(env: Env, name: string, key: keyof ChatPolicy): Partial<ChatPolicy> {
  const value = optional(env, name);
  return value === undefined ? {} : { [key]: positiveInteger(name, value) };
}

function days(env: Env, name: string, key: keyof ChatPolicy): Partial<ChatPolicy> {
  const value = optional(env, name);
  return value === undefined ? {} : { [key]: positiveInteger(name, value) * 86_400_000 };
}

/** RATE_LIMIT_BURST and RATE_LIMIT_PER_SECOND; either set to 0 turns the limit off. */
function rateLimit(env: Env): Partial<ChatPolicy> {
  const burst = optional(env, 'RATE_LIMIT_BURST');
  const perSecond = optional(env, 'RATE_LIMIT_PER_SECOND');
  if (burst === undefined && perSecond === undefined) return {};
  if (burst === '0' || perSecond === '0') return { rateLimit: null };
  const defaults = DEFAULT_CHAT_POLICY.rateLimit ?? { burst: 20, perSecond: 5 };
  const rate = perSecond === undefined ? defaults.perSecond : Number(perSecond);
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new ConfigError(`RATE_LIMIT_PER_SECOND must be a positive number, got "${perSecond}"`);
  }
  return {
    rateLimit: {
      burst: burst === undefined ? defaults.burst : positiveInteger('RATE_LIMIT_BURST', burst),
      perSecond: rate,
    },
  };
}

/** A non-negative whole number of milliseconds (0 allowed). */
function milliseconds(env: Env, name: string, key: keyof ChatPolicy): Partial<ChatPolicy> {
  const value = optional(env, name);
  if (value === undefined) return {};
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new ConfigError(`${name} must be a whole number of milliseconds, got "${value}"`);
  }
  return { [key]: parsed };
}

function url(name: string, value: string): string {
  try {
    return new URL(value).toString().replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${value}"`);
  }
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
