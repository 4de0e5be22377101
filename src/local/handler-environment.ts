// Local stack: the environment the functions get outside AWS (the local stack, and tests that invoke
// them in-process or as built bundles): local credentials and region, the table on DynamoDB Local, and
// the variables Lambda and Terraform would otherwise set.

import { LOCAL_AUDIENCE, LOCAL_ISSUER } from './dev-keys.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.js';

export interface HandlerEnvironmentOptions {
  readonly tableName: string;
  readonly dynamoDbEndpoint: string;
  /** The @connections endpoint; the local stack sets it once its gateway listens. */
  readonly managementEndpoint?: string;
  /** The local fan-out queue: large rooms are then handed to the `fanout` worker, as in AWS. */
  readonly fanOutQueue?: { readonly queueUrl: string; readonly endpoint: string };
  /** AUTH_MODE=anonymous: no authorizer, made-up identities. */
  readonly anonymous?: boolean;
  /** The local public key set (DevKeys.jwks): the authorizer then verifies dev tokens. */
  readonly jwks?: string;
  /** Powertools log level of the handlers. */
  readonly logLevel: string;
  /**
   * For a person watching the local stack: readable logs (POWERTOOLS_DEV) and the X-Ray Tracer off, as
   * there is no daemon to send to.
   */
  readonly interactive?: boolean;
  /** More variables (chat settings such as LOBBY_ROOM), applied last. */
  readonly extra?: Readonly<Record<string, string>>;
}

export function handlerEnvironment(options: HandlerEnvironmentOptions): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: options.tableName,
    DYNAMODB_ENDPOINT: options.dynamoDbEndpoint,
    ...(options.managementEndpoint === undefined ? {} : { MANAGEMENT_ENDPOINT: options.managementEndpoint }),
    ...(options.fanOutQueue === undefined
      ? {}
      : { FAN_OUT_QUEUE_URL: options.fanOutQueue.queueUrl, SQS_ENDPOINT: options.fanOutQueue.endpoint }),
    AUTH_MODE: options.anonymous === true ? 'anonymous' : 'jwt',
    ...(options.jwks === undefined
      ? {}
      : { LOCAL_JWKS: options.jwks, JWT_ISSUER: LOCAL_ISSUER, JWT_AUDIENCE: LOCAL_AUDIENCE }),
    POWERTOOLS_LOG_LEVEL: options.logLevel,
    // CloudWatch reads metrics from Lambda's log stream; elsewhere they would only be noise.
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(options.interactive === true ? { POWERTOOLS_DEV: 'true', POWERTOOLS_TRACE_ENABLED: 'false' } : {}),
    ...options.extra,
  };
}
