// Composition support: the one table from each environment variable the functions read to the setting
// it fills, its default and its check. config.ts assembles the functions' configuration from it, and
// docs/operations.md lists it (a test keeps the two equal).

import { DEFAULT_CHAT_POLICY } from '../domain/index.js';
import {
  ConfigError,
  countOrOff,
  DAY_MS,
  days,
  list,
  milliseconds,
  nonEmpty,
  oneOf,
  onOff,
  positiveInteger,
  rateOrOff,
  text,
  url,
  type Env,
  type Parse,
} from './setting-parsers.js';

export { ConfigError, url, type Env } from './setting-parsers.js';

/** Which functions read a variable: `chat` is every function but the authorizer. */
export type FunctionGroup = 'chat' | 'authorizer' | 'all';

export interface Setting<T> {
  readonly variable: string;
  readonly functions: FunctionGroup;
  /** The default as an operator would write it, or what happens when the variable is not set. */
  readonly shownDefault: string;
  readonly meaning: string;
  /** The value of the setting in this environment, checked; throws a ConfigError naming the variable. */
  read(env: Env): T;
}

interface Described {
  readonly variable: string;
  readonly functions: FunctionGroup;
  readonly meaning: string;
}

/** A variable that must be set (and not blank). */
function required<T>(spec: Described & { parse: Parse<T>; unset?: string }): Setting<T> {
  return {
    ...spec,
    shownDefault: spec.unset ?? 'required',
    read: (env) => {
      const value = env[spec.variable]?.trim();
      if (value === undefined || value === '') throw missing(spec.variable);
      return spec.parse(value, spec.variable);
    },
  };
}

/** A variable with a default, written as the variable would be: it passes the same check. */
function withDefault<T>(spec: Described & { parse: Parse<T>; default: string }): Setting<T> {
  return {
    ...spec,
    shownDefault: spec.default === '' ? 'empty' : `\`${spec.default}\``,
    read: (env) => spec.parse(env[spec.variable]?.trim() ?? spec.default, spec.variable),
  };
}

/** A variable that may be absent; `unset` says what happens then. */
function optional<T>(spec: Described & { parse: Parse<T>; unset: string }): Setting<T | undefined> {
  return {
    ...spec,
    shownDefault: spec.unset,
    read: (env) => {
      const value = env[spec.variable]?.trim();
      return value === undefined ? undefined : spec.parse(value, spec.variable);
    },
  };
}

export function missing(variable: string, alternative?: string): ConfigError {
  return new ConfigError(`Missing environment variable ${variable}${alternative ? ` (${alternative})` : ''}`);
}

const policy = DEFAULT_CHAT_POLICY;
const chat = 'chat' as const;

/** The settings of the chat functions (every function but the authorizer). */
export const CHAT_SETTINGS = {
  tableName: required({
    variable: 'TABLE_NAME',
    functions: chat,
    parse: text,
    meaning: 'the DynamoDB table',
  }),
  region: required({
    variable: 'AWS_REGION',
    functions: chat,
    parse: text,
    unset: 'set by Lambda',
    meaning: 'region of the table and the API',
  }),
  authMode: withDefault({
    variable: 'AUTH_MODE',
    functions: chat,
    parse: oneOf('jwt', 'anonymous'),
    default: 'jwt',
    meaning: '`anonymous` runs without an authorizer (demos): random user ids, `?name=` as display name',
  }),
  lobbyRoom: withDefault({
    variable: 'LOBBY_ROOM',
    functions: chat,
    parse: (value): string | null => (value === '' ? null : value),
    default: policy.lobbyRoom ?? '',
    meaning: 'room every connection joins; empty for none',
  }),
  fanOutConcurrency: withDefault({
    variable: 'FAN_OUT_CONCURRENCY',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.fanOutConcurrency),
    meaning: 'deliveries in flight per fan-out (also sizes the HTTP socket pool)',
  }),
  membersPageSize: withDefault({
    variable: 'MEMBERS_PAGE_SIZE',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.membersPageSize),
    meaning: 'members read per Query during fan-out',
  }),
  announceMaxMembers: withDefault({
    variable: 'ANNOUNCE_MAX_MEMBERS',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.announceMaxMembers),
    meaning:
      'rooms with more member connections get no `member_joined` / `member_left` (each would be a post to every member)',
  }),
  fanOutQueueUrl: optional({
    variable: 'FAN_OUT_QUEUE_URL',
    functions: chat,
    parse: url,
    unset: 'every fan-out inline',
    meaning: 'the SQS queue that hands large fan-outs to the `fanout` worker (Terraform sets it)',
  }),
  fanOutInlineMax: withDefault({
    variable: 'FAN_OUT_INLINE_MAX',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.fanOutInlineMax),
    meaning:
      'rooms (and services, for broadcasts) of at most this many connections are fanned out by the invocation that got the message; larger ones by workers',
  }),
  deliveriesPerJob: withDefault({
    variable: 'FAN_OUT_DELIVERIES_PER_JOB',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.deliveriesPerJob),
    meaning: 'recipients one worker job serves before the rest of its shard goes to a follow-up job',
  }),
  fanOutInlineBudgetMs: withDefault({
    variable: 'FAN_OUT_INLINE_BUDGET_MS',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.fanOutInlineBudgetMs),
    meaning:
      'how long an inline fan-out delivers before the recipients it has not reached go to the workers (keeps the invocation inside the 29 s integration timeout)',
  }),
  membersPerBucket: withDefault({
    variable: 'MEMBERS_PER_BUCKET',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.membersPerBucket),
    meaning: "a room's members are spread over twice as many partition keys once each would hold more",
  }),
  roomShapeCacheMs: withDefault({
    variable: 'ROOM_SHAPE_CACHE_MS',
    functions: chat,
    parse: milliseconds,
    default: String(policy.roomShapeCacheMs),
    meaning: "how long a warm function reuses a room's bucket count and size before reading them again",
  }),
  maxTextChars: withDefault({
    variable: 'MAX_TEXT_CHARS',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.maxTextChars),
    meaning: 'longest message text',
  }),
  historyLimitDefault: optional({
    variable: 'HISTORY_LIMIT_DEFAULT',
    functions: chat,
    parse: positiveInteger,
    // config.ts caps it: a low HISTORY_LIMIT_MAX alone must not make every function refuse to start.
    unset: `\`${policy.historyLimitDefault}\`, or the max if lower`,
    meaning: 'messages per history page when a request names no limit; above `HISTORY_LIMIT_MAX` is refused',
  }),
  historyLimitMax: withDefault({
    variable: 'HISTORY_LIMIT_MAX',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.historyLimitMax),
    meaning: 'most messages per history page',
  }),
  messageRetentionMs: withDefault({
    variable: 'MESSAGE_RETENTION_DAYS',
    functions: chat,
    parse: days,
    default: String(policy.messageRetentionMs / DAY_MS),
    meaning: 'message TTL, in days',
  }),
  rateLimitBurst: withDefault({
    variable: 'RATE_LIMIT_BURST',
    functions: chat,
    parse: countOrOff,
    default: String(policy.rateLimit?.burst ?? 0),
    meaning: 'per-connection token bucket over every client frame: its size; `0` turns the limit off',
  }),
  rateLimitPerSecond: withDefault({
    variable: 'RATE_LIMIT_PER_SECOND',
    functions: chat,
    parse: rateOrOff,
    default: String(policy.rateLimit?.perSecond ?? 0),
    meaning: 'the same bucket: frames per second it refills; `0` turns the limit off',
  }),
  userRateLimitBurst: withDefault({
    variable: 'USER_RATE_LIMIT_BURST',
    functions: chat,
    parse: countOrOff,
    default: String(policy.userRateLimit?.burst ?? 0),
    meaning:
      "per-user token bucket that every frame of all the user's connections also takes from: its size (at least `RATE_LIMIT_BURST`); `0` turns it off",
  }),
  userRateLimitPerSecond: withDefault({
    variable: 'USER_RATE_LIMIT_PER_SECOND',
    functions: chat,
    parse: rateOrOff,
    default: String(policy.userRateLimit?.perSecond ?? 0),
    meaning:
      'the same bucket: frames per second it refills (at least `RATE_LIMIT_PER_SECOND`); `0` turns it off',
  }),
  maxConnectionsPerUser: withDefault({
    variable: 'MAX_CONNECTIONS_PER_USER',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.maxConnectionsPerUser),
    meaning:
      'live connections one user may hold: the next handshake is refused with 429 (a soft cap, see below)',
  }),
  maxRoomsPerConnection: withDefault({
    variable: 'MAX_ROOMS_PER_CONNECTION',
    functions: chat,
    parse: positiveInteger,
    default: String(policy.maxRoomsPerConnection),
    meaning: 'rooms one connection may be in, the lobby included: joins beyond answer `too_many_rooms`',
  }),
  handshakeGraceMs: withDefault({
    variable: 'HANDSHAKE_GRACE_MS',
    functions: chat,
    parse: milliseconds,
    default: String(policy.handshakeGraceMs),
    meaning:
      'a connection reported gone (410) this soon after connecting is kept, not purged: API Gateway answers 410 while `$connect` runs',
  }),
  managementEndpoint: optional({
    variable: 'MANAGEMENT_ENDPOINT',
    functions: chat,
    parse: url,
    unset: 'from the event',
    meaning:
      '`@connections` endpoint override (the local stack sets it; the backend API functions and the `fanout` worker need it, Terraform sets it for them)',
  }),
  dynamoDbEndpoint: optional({
    variable: 'DYNAMODB_ENDPOINT',
    functions: chat,
    parse: url,
    unset: 'AWS',
    meaning: 'DynamoDB endpoint override (DynamoDB Local)',
  }),
  sqsEndpoint: optional({
    variable: 'SQS_ENDPOINT',
    functions: chat,
    parse: url,
    unset: 'AWS',
    meaning: "SQS endpoint override (the local stack's queue server)",
  }),
};

/** The authorizer's settings; which of them are needed depends on the issuer (config.ts). */
export const AUTH_SETTINGS = {
  userPoolId: optional({
    variable: 'COGNITO_USER_POOL_ID',
    functions: 'authorizer',
    parse: text,
    unset: 'none',
    meaning: 'verify Cognito ID or access tokens of that pool',
  }),
  clientId: optional({
    variable: 'COGNITO_CLIENT_ID',
    functions: 'authorizer',
    parse: list,
    unset: 'required with a user pool',
    meaning: "the pool's app client(s), a comma list",
  }),
  issuer: optional({
    variable: 'JWT_ISSUER',
    functions: 'authorizer',
    parse: text,
    unset: 'required without a user pool',
    meaning: 'verify tokens of any OIDC issuer',
  }),
  audience: optional({
    variable: 'JWT_AUDIENCE',
    functions: 'authorizer',
    parse: list,
    unset: 'required with an issuer',
    meaning: 'accepted audiences, a comma list',
  }),
  jwksUri: optional({
    variable: 'JWKS_URI',
    functions: 'authorizer',
    parse: url,
    unset: '`{issuer}/.well-known/jwks.json`',
    meaning: "the issuer's key set",
  }),
  localJwks: optional({
    variable: 'LOCAL_JWKS',
    functions: 'authorizer',
    parse: text,
    unset: 'none',
    meaning: "the local stack's public key set (never set in AWS)",
  }),
};

/** What every function reads: how it is named in logs, metrics and traces. */
export const TELEMETRY_SETTINGS = {
  serviceName: withDefault({
    variable: 'POWERTOOLS_SERVICE_NAME',
    functions: 'all',
    parse: nonEmpty,
    default: 'roomcast',
    meaning:
      'the `service` of every log line, metric and trace (Terraform: `{name}-{environment}`, so stacks sharing an account keep their metrics apart)',
  }),
  metricsNamespace: withDefault({
    variable: 'POWERTOOLS_METRICS_NAMESPACE',
    functions: 'all',
    parse: nonEmpty,
    default: 'roomcast',
    meaning: 'CloudWatch namespace of the metrics (Terraform: the stack `name`)',
  }),
  sdkTracing: withDefault({
    variable: 'SDK_TRACING',
    functions: 'all',
    parse: onOff,
    default: 'off',
    meaning:
      '`on`: X-Ray subsegments for every AWS call from the Powertools Tracer (see [tracing](#tracing))',
  }),
};

/** Every variable the functions read themselves, in the order docs/operations.md lists them. */
export const ALL_SETTINGS: readonly Setting<unknown>[] = [
  ...Object.values(CHAT_SETTINGS),
  ...Object.values(AUTH_SETTINGS),
  ...Object.values(TELEMETRY_SETTINGS),
];

export type Values<S> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Reads every setting of a group from one environment. */
export function readSettings<S extends Record<string, Setting<unknown>>>(settings: S, env: Env): Values<S> {
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) values[key] = setting.read(env);
  return values as Values<S>;
}
