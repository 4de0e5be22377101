// Cold-start what-if: stands in for @aws-lambda-powertools/tracer (and its middleware) in a function
// bundle, to measure what the tracer and the X-Ray SDK it brings cost at module initialisation.

export class Tracer {
  constructor(_options?: unknown) {}

  captureAWSv3Client<T>(client: T): T {
    return client;
  }
}

/** Middy refuses a middleware without a hook, so this one has a hook that does nothing. */
export function captureLambdaHandler(_tracer?: unknown, _options?: unknown): { before: () => void } {
  return { before: () => undefined };
}
