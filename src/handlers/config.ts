// Composition support: the functions' configuration, assembled from the settings table (settings.ts)
// and validated once. This is the only module that reads process.env (the table reads whichever
// environment it is handed); adapters receive these values through their constructors.

import { chatPolicy, DEFAULT_CHAT_POLICY, type ChatPolicy } from '../domain/index.js';
import {
  AUTH_SETTINGS,
  CHAT_SETTINGS,
  ConfigError,
  missing,
  readSettings,
  TELEMETRY_SETTINGS,
  url,
  type Env,
} from './settings.js';

export { ConfigError } from './settings.js';

export interface ChatConfig {
  readonly region: string;
  readonly tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); absent in AWS. */
  readonly dynamoDbEndpoint?: string;
  /** @connections endpoint override; by default built from each event's domain name and stage. */
  readonly managementEndpoint?: string;
  /** The queue large fan-outs are handed to; without one, every fan-out runs inline. */
  readonly fanOutQueueUrl?: string;
  /** SQS endpoint override (the local queue server); absent in AWS. */
  readonly sqsEndpoint?: string;
  /** Without an authorizer: identities are made up at $connect and kept on the connection record. */
  readonly anonymous: boolean;
  readonly policy: ChatPolicy;
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

/** How the functions name themselves in logs, metrics and traces. */
export interface TelemetryConfig {
  readonly serviceName: string;
  readonly metricsNamespace: string;
  /** X-Ray subsegments from the Powertools Tracer (SDK_TRACING). */
  readonly sdkTracing: boolean;
}

export function readChatConfig(env: Env = process.env): ChatConfig {
  const settings = readSettings(CHAT_SETTINGS, env);
  const { rateLimitBurst: burst, rateLimitPerSecond: perSecond } = settings;
  const { userRateLimitBurst: userBurst, userRateLimitPerSecond: userPerSecond } = settings;
  const historyLimitMax = settings.historyLimitMax;
  const historyLimitDefault =
    settings.historyLimitDefault ?? Math.min(DEFAULT_CHAT_POLICY.historyLimitDefault, historyLimitMax);
  if (historyLimitDefault > historyLimitMax) {
    throw new ConfigError(
      `${CHAT_SETTINGS.historyLimitDefault.variable} (${historyLimitDefault}) must not exceed ` +
        `${CHAT_SETTINGS.historyLimitMax.variable} (${historyLimitMax})`,
    );
  }
  let policy: ChatPolicy;
  try {
    policy = chatPolicy({
      lobbyRoom: settings.lobbyRoom,
      fanOutConcurrency: settings.fanOutConcurrency,
      membersPageSize: settings.membersPageSize,
      fanOutInlineMax: settings.fanOutInlineMax,
      deliveriesPerJob: settings.deliveriesPerJob,
      fanOutInlineBudgetMs: settings.fanOutInlineBudgetMs,
      membersPerBucket: settings.membersPerBucket,
      roomShapeCacheMs: settings.roomShapeCacheMs,
      announceMaxMembers: settings.announceMaxMembers,
      maxTextChars: settings.maxTextChars,
      historyLimitDefault,
      historyLimitMax,
      messageRetentionMs: settings.messageRetentionMs,
      handshakeGraceMs: settings.handshakeGraceMs,
      // Either number at 0 turns the limit off.
      rateLimit: burst === 0 || perSecond === 0 ? null : { burst, perSecond },
      userRateLimit:
        userBurst === 0 || userPerSecond === 0 ? null : { burst: userBurst, perSecond: userPerSecond },
      maxConnectionsPerUser: settings.maxConnectionsPerUser,
      maxRoomsPerConnection: settings.maxRoomsPerConnection,
    });
  } catch (error) {
    throw new ConfigError(`Invalid chat settings: ${(error as Error).message}`);
  }
  return {
    region: settings.region,
    tableName: settings.tableName,
    dynamoDbEndpoint: settings.dynamoDbEndpoint,
    managementEndpoint: settings.managementEndpoint,
    fanOutQueueUrl: settings.fanOutQueueUrl,
    sqsEndpoint: settings.sqsEndpoint,
    anonymous: settings.authMode === 'anonymous',
    policy,
  };
}

/**
 * The authorizer's issuer: a Cognito user pool (COGNITO_USER_POOL_ID + COGNITO_CLIENT_ID), any OIDC
 * issuer (JWT_ISSUER + JWT_AUDIENCE, JWKS_URI defaulting to the issuer's well-known path), or the
 * local stack's dev key (LOCAL_JWKS + JWT_ISSUER + JWT_AUDIENCE).
 */
export function readAuthConfig(env: Env = process.env): AuthConfig {
  const settings = readSettings(AUTH_SETTINGS, env);
  if (settings.userPoolId !== undefined && settings.userPoolId !== '') {
    return {
      kind: 'cognito',
      userPoolId: settings.userPoolId,
      clientId: present(settings.clientId, AUTH_SETTINGS.clientId.variable),
    };
  }
  const issuer = settings.issuer;
  if (issuer === undefined || issuer === '') {
    throw missing(AUTH_SETTINGS.issuer.variable, `or ${AUTH_SETTINGS.userPoolId.variable}`);
  }
  const audience = present(settings.audience, AUTH_SETTINGS.audience.variable);
  if (settings.localJwks !== undefined) return { kind: 'local', issuer, audience, jwks: settings.localJwks };
  const issuerUrl = url(issuer, AUTH_SETTINGS.issuer.variable);
  const jwksUri = settings.jwksUri ?? `${issuerUrl}/.well-known/jwks.json`;
  return { kind: 'oidc', issuer: issuerUrl, audience, jwksUri };
}

export function readTelemetryConfig(env: Env = process.env): TelemetryConfig {
  return readSettings(TELEMETRY_SETTINGS, env);
}

/** A list a variable had to give: unset or blank counts as missing. */
function present(value: readonly string[] | undefined, variable: string): readonly string[] {
  if (value === undefined || value.length === 0) throw missing(variable);
  return value;
}
