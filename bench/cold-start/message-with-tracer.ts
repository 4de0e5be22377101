// Cold-start what-if: the `message` function with the Powertools Tracer loaded at module initialisation,
// the usual way to use it: the Tracer and its Middy middleware imported, one Tracer constructed and its
// middleware built, before the handler's own modules. The functions load it only when SDK_TRACING=on, on
// the first invocation (src/handlers/runtime/tracing.ts); bundled like them, this measures what keeping
// the Tracer (and the X-Ray SDK, `cls-hooked` and the async hook it creates) off the cold path saves.

import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';

export const tracer = new Tracer({ serviceName: 'roomcast' });
export const traceMiddleware = captureLambdaHandler(tracer, { captureResponse: false });
export { handler } from '../../src/handlers/functions/message.js';
