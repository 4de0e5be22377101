// Driving side: the shapes of API Gateway WebSocket proxy events and results, as they really arrive
// (CONNECT carries headers and query string; MESSAGE carries neither; DISCONNECT carries close codes).

export interface WsRequestContext {
  readonly routeKey: string;
  readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  readonly connectionId: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  readonly domainName: string;
  readonly stage: string;
  readonly apiId: string;
  readonly messageId?: string;
  readonly identity: { readonly sourceIp: string; readonly userAgent?: string };
  /** The authorizer's context (values stringified by API Gateway) and principalId. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
  readonly disconnectStatusCode?: number;
  readonly disconnectReason?: string;
}

export interface WsEvent {
  readonly requestContext: WsRequestContext;
  /** The text frame as the client sent it (absent on connect and disconnect). */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly isBase64Encoded: boolean;
}

export interface WsResult {
  readonly statusCode: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AuthorizerEvent {
  readonly type: 'REQUEST';
  readonly methodArn: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly requestContext: WsRequestContext;
}

export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly { Action: string; Effect: 'Allow' | 'Deny'; Resource: string }[];
  };
  readonly context?: Readonly<Record<string, string>>;
}
