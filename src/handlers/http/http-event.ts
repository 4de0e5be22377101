// Driving side: the shapes of API Gateway HTTP API (payload format 2.0) events and results.

export interface HttpEvent {
  readonly version: '2.0';
  /** e.g. `POST /rooms/{room}/messages` */
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly requestContext: {
    readonly requestId: string;
    readonly routeKey: string;
    readonly stage: string;
    readonly http: {
      readonly method: string;
      readonly path: string;
      readonly sourceIp: string;
      readonly userAgent?: string;
    };
    /** With AWS_IAM authorization: who signed the request. */
    readonly authorizer?: { readonly iam?: Readonly<Record<string, unknown>> };
  };
  /** Raw text; Middy's JSON body parser replaces it with the parsed value. */
  body?: unknown;
  readonly isBase64Encoded: boolean;
}

export interface HttpResult {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}
